using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx;

/// <summary>
/// The ONNX export of TorchSharp's standard layers, read from their hyper-parameters (Conv2d's
/// stride, padding, dilation, groups; pooling kernels; ...), in evaluation mode: Sequential,
/// Conv2d, Linear, BatchNorm1d/2d, LayerNorm, the activations, Dropout and Identity, the poolings,
/// Flatten and Softmax. A setting ONNX opset 17 cannot express is refused with the module's path.
/// </summary>
public static class TorchModuleExporters
{
    /// <summary>Exports <paramref name="module"/> when it is one of the standard layers; null when it is not.</summary>
    /// <param name="graph">The graph being built, with the module's path current.</param>
    /// <param name="module">The module.</param>
    /// <param name="inputs">Its input values.</param>
    /// <exception cref="OnnxExportException">A standard layer with a setting the export cannot express.</exception>
    public static IReadOnlyList<string>? TryExport(OnnxGraphBuilder graph, nn.Module module, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        if (module is Sequential sequential)
        {
            return [graph.Chain(Single(graph, inputs), sequential.children())];
        }

        var output = module switch
        {
            Conv2d conv => Convolution(graph, Single(graph, inputs), conv),
            Linear linear => OnnxOperators.Linear(graph, Single(graph, inputs), linear.weight!, linear.bias),
            BatchNorm1d or BatchNorm2d => BatchNorm(graph, Single(graph, inputs), (BatchNorm)module),
            LayerNorm norm => OnnxOperators.LayerNorm(graph, Single(graph, inputs), norm.weight, norm.bias, norm.normalized_shape, norm.eps),
            ReLU => graph.Node("Relu", [Single(graph, inputs)]),
            ReLU6 => OnnxOperators.Clip(graph, Single(graph, inputs), 0, 6),
            Sigmoid => graph.Node("Sigmoid", [Single(graph, inputs)]),
            Tanh => graph.Node("Tanh", [Single(graph, inputs)]),
            GELU gelu => OnnxOperators.Gelu(graph, Single(graph, inputs), gelu.approximate == GELU.Approximate.tanh),
            SiLU => OnnxOperators.Silu(graph, Single(graph, inputs)),
            Hardswish => graph.Node("HardSwish", [Single(graph, inputs)]),
            Hardsigmoid => graph.Node("HardSigmoid", [Single(graph, inputs)], OnnxAttribute.Float("alpha", 1f / 6), OnnxAttribute.Float("beta", 0.5f)),
            TorchSharp.Modules.LeakyReLU leaky => graph.Node("LeakyRelu", [Single(graph, inputs)], OnnxAttribute.Float("alpha", (float)leaky.negative_slope)),
            Softmax softmax => graph.Node("Softmax", [Single(graph, inputs)], OnnxAttribute.Int("axis", softmax.dim)),

            // Identities in evaluation mode.
            Dropout or Dropout1d or Dropout2d or Identity => Single(graph, inputs),
            MaxPool2d pool => MaxPool(graph, Single(graph, inputs), pool),
            AvgPool2d pool => AveragePool(graph, Single(graph, inputs), pool),
            AdaptiveAvgPool1d pool => GlobalPool(graph, Single(graph, inputs), [pool.output_size]),
            AdaptiveAvgPool2d pool => GlobalPool(graph, Single(graph, inputs), pool.output_size),
            AdaptiveAvgPool3d pool => GlobalPool(graph, Single(graph, inputs), pool.output_size),
            Flatten flatten => Flatten(graph, Single(graph, inputs), flatten),
            _ => null,
        };
        return output is null ? null : [output];
    }

    // Hardtanh is left out on purpose: TorchSharp 0.107's layer hands back its input unclamped, so
    // a Clip would not be what the model computes.
    private static string Single(OnnxGraphBuilder graph, IReadOnlyList<string> inputs) =>
        inputs.Count == 1 ? inputs[0] : throw graph.Unsupported($"takes one tensor, but was given {inputs.Count}");

    private static string Convolution(OnnxGraphBuilder graph, string input, Conv2d conv)
    {
        if (conv.padding_type == Padding.Same)
        {
            // PyTorch's "same" (stride 1 only) puts the odd row or column at the end, as SAME_UPPER does.
            return OnnxOperators.Conv(graph, input, conv.weight!, conv.bias, conv.stride, [0, 0], conv.dilation, conv.groups, autoPad: "SAME_UPPER");
        }

        var padding = conv.padding_type == Padding.Valid ? [0L, 0L] : conv.padding ?? [0L, 0L];
        if (conv.padding_mode == PaddingModes.Zeros || padding.All(pad => pad == 0))
        {
            return OnnxOperators.Conv(graph, input, conv.weight!, conv.bias, conv.stride, padding, conv.dilation, conv.groups);
        }

        var mode = conv.padding_mode switch
        {
            PaddingModes.Reflect => "reflect",
            PaddingModes.Replicate => "edge",
            _ => throw graph.Unsupported($"pads with padding_mode {conv.padding_mode}, which ONNX opset 17's Pad cannot"),
        };

        // ONNX's Pad takes every axis's begin pads, then every axis's end pads.
        var pads = graph.Int64s(0, 0, padding[0], padding[1], 0, 0, padding[0], padding[1]);
        var padded = graph.Node("Pad", [input, pads], OnnxAttribute.String("mode", mode));
        return OnnxOperators.Conv(graph, padded, conv.weight!, conv.bias, conv.stride, [0, 0], conv.dilation, conv.groups);
    }

    private static string BatchNorm(OnnxGraphBuilder graph, string input, BatchNorm norm)
    {
        if (norm.running_mean is null || norm.running_var is null)
        {
            throw graph.Unsupported("keeps no running statistics, so it normalizes with each batch's own even in evaluation mode, which the export does not reproduce");
        }

        // The step counter only matters to training with momentum off.
        graph.Consumed(norm.num_batches_tracked);
        return OnnxOperators.BatchNorm(graph, input, norm.weight, norm.bias, norm.running_mean, norm.running_var, norm.eps);
    }

    private static string MaxPool(OnnxGraphBuilder graph, string input, MaxPool2d pool) =>
        graph.Node(
            "MaxPool",
            [input],
            OnnxAttribute.Ints("kernel_shape", pool.kernel_size),
            OnnxAttribute.Ints("strides", pool.stride ?? pool.kernel_size),
            OnnxAttribute.Ints("pads", [.. pool.padding ?? [0, 0], .. pool.padding ?? [0, 0]]),
            OnnxAttribute.Ints("dilations", pool.dilation ?? [1, 1]),
            OnnxAttribute.Int("ceil_mode", pool.ceil_mode ? 1 : 0));

    private static string AveragePool(OnnxGraphBuilder graph, string input, AvgPool2d pool)
    {
        if (pool.divisor_override is not null)
        {
            throw graph.Unsupported("sets divisor_override, which ONNX's AveragePool has no counterpart for");
        }

        return graph.Node(
            "AveragePool",
            [input],
            OnnxAttribute.Ints("kernel_shape", pool.kernel_size),
            OnnxAttribute.Ints("strides", pool.stride ?? pool.kernel_size),
            OnnxAttribute.Ints("pads", [.. pool.padding ?? [0, 0], .. pool.padding ?? [0, 0]]),
            OnnxAttribute.Int("ceil_mode", pool.ceil_mode ? 1 : 0),
            OnnxAttribute.Int("count_include_pad", pool.count_include_pad ? 1 : 0));
    }

    private static string GlobalPool(OnnxGraphBuilder graph, string input, IReadOnlyList<long> outputSize) =>
        outputSize.All(size => size == 1)
            ? graph.Node("GlobalAveragePool", [input])
            : throw graph.Unsupported($"pools to an output size of ({string.Join(", ", outputSize)}); only output size 1 is exported, since other sizes depend on the input's");

    private static string Flatten(OnnxGraphBuilder graph, string input, Flatten flatten) =>
        flatten.end_dim == -1 && flatten.start_dim >= 0
            ? graph.Node("Flatten", [input], OnnxAttribute.Int("axis", flatten.start_dim))
            : throw graph.Unsupported($"flattens dims {flatten.start_dim} to {flatten.end_dim}; only a flatten from a non-negative dim to the last is exported");
}
