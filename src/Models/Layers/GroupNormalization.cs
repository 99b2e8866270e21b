using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Group normalization, mmcv's <c>{"type": "GN", "num_groups": 32}</c>: the channels are split
/// into groups, each normalised over its channels and the spatial dimensions. State-dict entries
/// <c>weight</c> and <c>bias</c>, named <c>gn</c>, <c>gn1</c>, ... in its owner.
/// </summary>
[RegisterModel("GN")]
public sealed class GroupNormalization : NormLayerBuilder
{
    private readonly int numGroups;
    private readonly double eps;
    private readonly bool affine;
    private readonly bool requiresGrad;

    /// <param name="numGroups">Number of channel groups; it must divide every channel count the layer is built for.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="affine">Learn a per-channel scale (weight) and shift (bias).</param>
    /// <param name="requiresGrad">Whether the scale and shift are trained; false freezes them.</param>
    public GroupNormalization(
        [ValueRange(Minimum = 1)] int numGroups,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double eps = 1e-5,
        bool affine = true,
        bool requiresGrad = true)
    {
        if (numGroups < 1)
        {
            throw new ConfigValueException("num_groups", numGroups, ">= 1");
        }

        this.numGroups = numGroups;
        this.eps = eps;
        this.affine = affine;
        this.requiresGrad = requiresGrad;
    }

    /// <inheritdoc />
    public override string Abbreviation => "gn";

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(int numFeatures)
    {
        if (numFeatures % numGroups != 0)
        {
            throw new ConfigValueException("num_groups", numGroups, $"a divisor of the {numFeatures} channels it normalises");
        }

        var layer = nn.GroupNorm(numGroups, numFeatures, eps, affine);

        // TorchSharp 0.107 leaves GroupNorm's weight and bias uninitialised (torch.empty);
        // PyTorch starts them at 1 and 0.
        NormParameters.ConstantInit(layer, 1);
        NormParameters.SetRequiresGrad(layer, requiresGrad);
        return layer;
    }
}
