using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's transformer feed-forward network <c>FFN</c>: over the last dimension of (N, L, C) tokens,
/// fully connected layers widening to <c>feedforward_channels</c> with an activation and dropout,
/// the last narrowing back to C, then dropout, the optional layer scale, the residual path's
/// <c>dropout_layer</c> (drop path) and, with <c>add_identity</c>, the input added back. Keys as
/// mmcv's: <c>layers.0.0</c> (first linear), <c>layers.1</c> (last linear) for two layers;
/// <c>layers.0.0</c>, <c>layers.1.0</c>, <c>layers.2</c> for three; <c>gamma2.weight</c> (C) with a
/// layer scale.
/// </summary>
public sealed class FFN : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmcv's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> layers;
    private readonly nn.Module<Tensor, Tensor> dropoutLayer;
    private readonly LayerScale? gamma2;
    private readonly bool addIdentity;

    /// <summary>Creates the network.</summary>
    /// <param name="embedDims">Channels of each token, in and out.</param>
    /// <param name="feedforwardChannels">Channels of the hidden layers.</param>
    /// <param name="numFcs">Fully connected layers, at least 2.</param>
    /// <param name="activation">The activation after each hidden layer; null for ReLU (mmcv's default; transformers pass GELU).</param>
    /// <param name="ffnDrop">Dropout after each layer.</param>
    /// <param name="dropPath">Drop path probability of the residual branch (mmcv's <c>dropout_layer: {type: DropPath}</c>).</param>
    /// <param name="addIdentity">Add the input to the output.</param>
    /// <param name="layerScaleInitValue">Above 0, scale the network's output per channel by a learned <c>gamma2</c> starting at this value (mmcv's <c>layer_scale_init_value</c>); 0 for none.</param>
    public FFN(int embedDims, int feedforwardChannels, int numFcs = 2, ActivationBuilder? activation = null, double ffnDrop = 0, double dropPath = 0, bool addIdentity = true, double layerScaleInitValue = 0)
        : base(nameof(FFN))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDims);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(feedforwardChannels);
        ArgumentOutOfRangeException.ThrowIfLessThan(numFcs, 2);
        var act = activation ?? new ReLUActivation();
        var stack = new List<nn.Module<Tensor, Tensor>>();
        var inChannels = embedDims;
        for (var i = 0; i < numFcs - 1; i++)
        {
            stack.Add(nn.Sequential(nn.Linear(inChannels, feedforwardChannels), act.Create(), nn.Dropout(ffnDrop)));
            inChannels = feedforwardChannels;
        }

        stack.Add(nn.Linear(feedforwardChannels, embedDims));
        stack.Add(nn.Dropout(ffnDrop));
        layers = nn.Sequential(stack);
        dropoutLayer = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        this.addIdentity = addIdentity;
        gamma2 = layerScaleInitValue > 0 ? new LayerScale(embedDims, layerScaleInitValue) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Forward(input, input);

    /// <summary>The network on <paramref name="input"/>, with <paramref name="identity"/> added back (when add_identity).</summary>
    public Tensor Forward(Tensor input, Tensor identity)
    {
        using var scope = torch.NewDisposeScope();
        var transformed = layers.call(input);
        var output = dropoutLayer.call(gamma2 is null ? transformed : gamma2.call(transformed));
        return (addIdentity ? identity.add(output, ScalarConstants.One) : output).MoveToOuterDisposeScope();
    }

    /// <summary>The network on its input, with the input added back (when add_identity), as <c>forward</c>.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [ExportOnnx(graph, inputs[0], inputs[0])];
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph: the layers on <paramref name="input"/>, then
    /// <paramref name="identity"/> added (when add_identity). Call it with this network current
    /// (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <returns>The output value.</returns>
    public string ExportOnnx(OnnxGraphBuilder graph, string input, string identity)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var output = graph.Chain(input, layers, gamma2, dropoutLayer);
        return addIdentity ? graph.Node("Add", [identity, output]) : output;
    }
}
