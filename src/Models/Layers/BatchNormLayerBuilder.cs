using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// What <see cref="BatchNormalization"/> (<c>{"type": "BN"}</c>) and <see cref="SyncBatchNormalization"/>
/// (<c>{"type": "SyncBN"}</c>) share: both build a <c>BatchNorm2d</c> over (N, C, H, W) with
/// state-dict entries <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c> and
/// <c>num_batches_tracked</c>, named <c>bn</c>, <c>bn1</c>, ... in its owner. Not a component itself.
/// </summary>
public abstract class BatchNormLayerBuilder : NormLayerBuilder
{
    private readonly double eps;
    private readonly double momentum;
    private readonly bool affine;
    private readonly bool trackRunningStats;
    private readonly bool requiresGrad;

    /// <summary>Keeps the <c>BatchNorm2d</c> arguments of the derived component's constructor, which documents them.</summary>
    private protected BatchNormLayerBuilder(double eps, double momentum, bool affine, bool trackRunningStats, bool requiresGrad)
    {
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        this.requiresGrad = requiresGrad;
    }

    /// <inheritdoc />
    public override string Abbreviation => "bn";

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(int numFeatures)
    {
        var layer = new BatchNorm2d(numFeatures, eps, momentum, affine, trackRunningStats);
        NormParameters.SetRequiresGrad(layer, requiresGrad);
        return layer;
    }
}
