using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Layer normalization over the last dimension, mmcv's <c>{"type": "LN", "eps": 1e-6}</c>: for
/// token sequences (N, L, C), as transformers use it. State-dict entries <c>weight</c> and
/// <c>bias</c>, named <c>ln</c>, <c>ln1</c>, ... in its owner (most transformer blocks name their
/// norms themselves: <c>norm1</c>, <c>ln1</c>).
/// </summary>
[RegisterModel("LN", Aliases = ["LayerNorm"])]
public sealed class LayerNormalization : NormLayerBuilder
{
    private readonly double eps;
    private readonly bool elementwiseAffine;
    private readonly bool requiresGrad;

    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="elementwiseAffine">Learn a per-channel scale (weight) and shift (bias).</param>
    /// <param name="requiresGrad">Whether the scale and shift are trained; false freezes them.</param>
    public LayerNormalization(
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double eps = 1e-5,
        bool elementwiseAffine = true,
        bool requiresGrad = true)
    {
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        this.requiresGrad = requiresGrad;
    }

    /// <inheritdoc />
    public override string Abbreviation => "ln";

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(int numFeatures)
    {
        var layer = nn.LayerNorm(numFeatures, eps, elementwiseAffine);
        NormParameters.ConstantInit(layer, 1);
        NormParameters.SetRequiresGrad(layer, requiresGrad);
        return layer;
    }
}
