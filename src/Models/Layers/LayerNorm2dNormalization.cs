using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmpretrain's <c>{"type": "LN2d", "eps": 1e-6}</c>: a <see cref="LayerNorm2d"/>, normalising
/// each position's channels of a (N, C, H, W) map. Named <c>ln</c>, <c>ln1</c>, ... in its owner,
/// as mmcv names every LayerNorm.
/// </summary>
[RegisterModel("LN2d", Aliases = ["LayerNorm2d"])]
public sealed class LayerNorm2dNormalization : NormLayerBuilder
{
    private readonly double eps;
    private readonly bool elementwiseAffine;
    private readonly bool requiresGrad;

    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="elementwiseAffine">Learn a per-channel scale (weight) and shift (bias).</param>
    /// <param name="requiresGrad">Whether the scale and shift are trained; false freezes them.</param>
    public LayerNorm2dNormalization(
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
        var layer = new LayerNorm2d(numFeatures, eps, elementwiseAffine);
        NormParameters.SetRequiresGrad(layer, requiresGrad);
        return layer;
    }
}
