using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Layer scale (Touvron et al., "Going deeper with Image Transformers"), as mmpretrain's and mmcv's
/// <c>LayerScale</c>: a learned per-channel factor on a residual branch, over the last dimension of
/// (..., C) tokens. One parameter, <c>weight</c> (C), starting at the init value everywhere.
/// </summary>
public sealed class LayerScale : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's and mmcv's attribute name, so it is the checkpoint key.
    private readonly Parameter weight;

    /// <summary>Creates the layer.</summary>
    /// <param name="dims">Channels C, the last dimension of the input.</param>
    /// <param name="initValue">The value every factor starts at.</param>
    public LayerScale(int dims, double initValue)
        : base(nameof(LayerScale))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dims);
        using var value = initValue.ToScalar();
        weight = new Parameter(torch.full(new long[] { dims }, value));
        RegisterComponents();
    }

    /// <summary>The per-channel factors (C).</summary>
    public Parameter Weight => weight;

    /// <summary>The input scaled channel by channel: (..., C) in and out.</summary>
    public override Tensor forward(Tensor input) => input.mul(weight);

    /// <summary>The input times <c>weight</c>, broadcast over the last dimension, as <c>forward</c>.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Node("Mul", [inputs[0], graph.Parameter(weight, nameof(weight))])];
    }
}
