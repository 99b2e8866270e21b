using static TorchSharp.torch;

namespace ImageClassifier.Onnx;

/// <summary>
/// The operator patterns layers share, for <see cref="TorchModuleExporters"/> and for modules that
/// implement <see cref="IOnnxExportable"/>: convolution, linear, normalizations and the activations
/// opset 17 has no single operator for. Weights are added with <see cref="OnnxGraphBuilder.Parameter"/>
/// under the current module's path.
/// </summary>
public static class OnnxOperators
{
    /// <summary>
    /// A 2-D convolution: <c>weight</c> (out, in / groups, kH, kW), an optional <c>bias</c>, explicit
    /// zero padding (top and bottom <paramref name="padding"/>[0], left and right [1]) or, with
    /// <paramref name="autoPad"/>, ONNX's automatic padding ("SAME_UPPER": TensorFlow's SAME).
    /// </summary>
    public static string Conv(OnnxGraphBuilder graph, string input, Tensor weight, Tensor? bias, IReadOnlyList<long> stride, IReadOnlyList<long> padding, IReadOnlyList<long> dilation, long groups, string? autoPad = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(weight);
        var values = new List<string> { input, graph.Parameter(weight, "weight") };
        if (bias is not null)
        {
            values.Add(graph.Parameter(bias, "bias"));
        }

        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Ints("kernel_shape", weight.shape[2..]),
            OnnxAttribute.Ints("strides", stride),
            OnnxAttribute.Ints("dilations", dilation),
            OnnxAttribute.Int("group", groups),
        };
        attributes.Add(autoPad is null
            ? OnnxAttribute.Ints("pads", [.. padding, .. padding])
            : OnnxAttribute.String("auto_pad", autoPad));
        return graph.Node("Conv", values, [.. attributes]);
    }

    /// <summary>A linear layer on the last axis of an input of any rank: x · weightᵀ + bias, weight (out, in) as in the state dict.</summary>
    public static string Linear(OnnxGraphBuilder graph, string input, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(weight);

        // The transpose of a constant is folded when the session loads, and the initializer keeps the state-dict layout.
        var transposed = graph.Node("Transpose", [graph.Parameter(weight, "weight")], OnnxAttribute.Ints("perm", 1, 0));
        var output = graph.Node("MatMul", [input, transposed]);
        return bias is null ? output : graph.Node("Add", [output, graph.Parameter(bias, "bias")]);
    }

    /// <summary>
    /// Batch normalization in evaluation mode over axis 1 with running statistics; a missing
    /// <paramref name="weight"/> or <paramref name="bias"/> (affine off) is 1 or 0.
    /// </summary>
    public static string BatchNorm(OnnxGraphBuilder graph, string input, Tensor? weight, Tensor? bias, Tensor runningMean, Tensor runningVar, double eps)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        var channels = runningMean.shape[0];
        var scale = weight is null ? graph.Constant(Enumerable.Repeat(1f, (int)channels).ToArray(), [channels]) : graph.Parameter(weight, "weight");
        var shift = bias is null ? graph.Constant(new float[channels], [channels]) : graph.Parameter(bias, "bias");
        return graph.Node(
            "BatchNormalization",
            [input, scale, shift, graph.Parameter(runningMean, "running_mean"), graph.Parameter(runningVar, "running_var")],
            OnnxAttribute.Float("epsilon", (float)eps));
    }

    /// <summary>
    /// Layer normalization over the last axes, as many as <paramref name="normalizedShape"/> has (LayerNormalization,
    /// opset 17); a missing <paramref name="weight"/> or <paramref name="bias"/> is 1 or 0.
    /// </summary>
    public static string LayerNorm(OnnxGraphBuilder graph, string input, Tensor? weight, Tensor? bias, IReadOnlyList<long> normalizedShape, double eps)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        var count = normalizedShape.Aggregate(1L, (product, dimension) => product * dimension);
        var scale = weight is null ? graph.Constant(Enumerable.Repeat(1f, (int)count).ToArray(), normalizedShape) : graph.Parameter(weight, "weight");
        var values = new List<string> { input, scale };
        if (bias is not null)
        {
            values.Add(graph.Parameter(bias, "bias"));
        }

        return graph.Node("LayerNormalization", values, OnnxAttribute.Int("axis", -normalizedShape.Count), OnnxAttribute.Float("epsilon", (float)eps));
    }

    /// <summary>GELU, exact (x / 2 · (1 + erf(x / √2))) or with the tanh approximation; opset 17 has no Gelu operator.</summary>
    public static string Gelu(OnnxGraphBuilder graph, string input, bool tanhApproximation = false)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string inner;
        if (tanhApproximation)
        {
            var cube = graph.Node("Mul", [graph.Node("Mul", [input, input]), input]);
            var sum = graph.Node("Add", [input, graph.Node("Mul", [cube, graph.Scalar(0.044715f)])]);
            inner = graph.Node("Tanh", [graph.Node("Mul", [sum, graph.Scalar((float)Math.Sqrt(2 / Math.PI))])]);
        }
        else
        {
            inner = graph.Node("Erf", [graph.Node("Div", [input, graph.Scalar((float)Math.Sqrt(2))])]);
        }

        var gate = graph.Node("Add", [inner, graph.Scalar(1f)]);
        return graph.Node("Mul", [graph.Node("Mul", [input, gate]), graph.Scalar(0.5f)]);
    }

    /// <summary>SiLU (swish), x · sigmoid(x).</summary>
    public static string Silu(OnnxGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Mul", [input, graph.Node("Sigmoid", [input])]);
    }

    /// <summary>min(max(x, <paramref name="min"/>), <paramref name="max"/>).</summary>
    public static string Clip(OnnxGraphBuilder graph, string input, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Clip", [input, graph.Scalar((float)min), graph.Scalar((float)max)]);
    }

    // The tensor plumbing of the transformer families (token maps, windows, attention), kept
    // together after the layer patterns above.

    /// <summary>Reshape to <paramref name="shape"/>: 0 copies the input's dimension at that position (the dynamic batch), -1 is inferred.</summary>
    public static string Reshape(OnnxGraphBuilder graph, string input, params IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Reshape", [input, graph.Int64s(shape)]);
    }

    /// <summary>The axes of <paramref name="input"/> in the order <paramref name="perm"/>, as <c>permute</c>.</summary>
    public static string Transpose(OnnxGraphBuilder graph, string input, params IReadOnlyList<long> perm)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Transpose", [input], OnnxAttribute.Ints("perm", perm));
    }

    /// <summary>Positions <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) of one axis, as <c>narrow</c>.</summary>
    public static string Slice(OnnxGraphBuilder graph, string input, long axis, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Slice", [input, graph.Int64s(start), graph.Int64s(end), graph.Int64s(axis)]);
    }

    /// <summary>Position <paramref name="index"/> of one axis, which the result no longer has, as indexing <c>x[:, index]</c>.</summary>
    public static string Select(OnnxGraphBuilder graph, string input, long axis, long index)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Gather", [input, graph.Constant([index], [])], OnnxAttribute.Int("axis", axis));
    }

    /// <summary>
    /// <c>torch.roll</c> along an axis of fixed <paramref name="size"/> (opset 17 has no Roll): element
    /// i moves to i + <paramref name="shift"/>, wrapping round; two slices concatenated in swapped order.
    /// </summary>
    public static string Roll(OnnxGraphBuilder graph, string input, long shift, long axis, long size)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var split = ((-shift % size) + size) % size;
        if (split == 0)
        {
            return input;
        }

        var head = Slice(graph, input, axis, split, size);
        var tail = Slice(graph, input, axis, 0, split);
        return graph.Node("Concat", [head, tail], OnnxAttribute.Int("axis", axis));
    }

    /// <summary>
    /// A float32 constant holding <paramref name="tensor"/>'s values, for tensors worked out while
    /// exporting (a position embedding resized to the exported size, an attention mask); weights as
    /// they are in the state dict go through <see cref="OnnxGraphBuilder.Parameter"/> instead.
    /// </summary>
    public static string Constant(OnnxGraphBuilder graph, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var noGrad = TorchSharp.torch.no_grad();
        var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        return graph.Constant(values, tensor.shape);
    }

    /// <summary>
    /// Scaled dot-product attention of (N, heads, L, D) queries, keys and values:
    /// softmax(query · <paramref name="scale"/> · keyᵀ) · value, with <paramref name="adjustLogits"/>
    /// (a relative position bias, a mask) applied to the (N, heads, L, L) logits before the softmax.
    /// </summary>
    public static string Attention(OnnxGraphBuilder graph, string query, string key, string value, float scale, Func<string, string>? adjustLogits = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var scaled = graph.Node("Mul", [query, graph.Scalar(scale)]);
        var keyTransposed = Transpose(graph, key, 0, 1, 3, 2);
        var logits = graph.Node("MatMul", [scaled, keyTransposed]);
        if (adjustLogits is not null)
        {
            logits = adjustLogits(logits);
        }

        return graph.Node("MatMul", [graph.Node("Softmax", [logits], OnnxAttribute.Int("axis", -1)), value]);
    }
}
