namespace ImageClassifier.Models.Layers;

/// <summary>
/// 2-D batch normalization, mmcv's <c>{"type": "BN"}</c>: a <c>BatchNorm2d</c> over (N, C, H, W)
/// with state-dict entries <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c> and
/// <c>num_batches_tracked</c>, named <c>bn</c>, <c>bn1</c>, ... in its owner.
/// </summary>
[RegisterModel("BN", Aliases = ["BN2d"])]
public sealed class BatchNormalization : BatchNormLayerBuilder
{
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="momentum">Weight of the batch statistics in the running averages.</param>
    /// <param name="affine">Learn a per-channel scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Keep running mean and variance for evaluation.</param>
    /// <param name="requiresGrad">Whether the scale and shift are trained; false freezes them.</param>
    public BatchNormalization(
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double eps = 1e-5,
        [ValueRange(0, 1)] double momentum = 0.1,
        bool affine = true,
        bool trackRunningStats = true,
        bool requiresGrad = true)
        : base(eps, momentum, affine, trackRunningStats, requiresGrad)
    {
    }
}
