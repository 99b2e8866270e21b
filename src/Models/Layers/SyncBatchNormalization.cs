namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's <c>{"type": "SyncBN"}</c>. Synchronising batch statistics only differs from BN across
/// several processes; training here runs in one process, so this builds the same
/// <c>BatchNorm2d</c> as <see cref="BatchNormalization"/>, with the same state-dict keys, and
/// configs written for multi-GPU mmpretrain training load unchanged.
/// </summary>
[RegisterModel("SyncBN")]
public sealed class SyncBatchNormalization : BatchNormLayerBuilder
{
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="momentum">Weight of the batch statistics in the running averages.</param>
    /// <param name="affine">Learn a per-channel scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Keep running mean and variance for evaluation.</param>
    /// <param name="requiresGrad">Whether the scale and shift are trained; false freezes them.</param>
    public SyncBatchNormalization(
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double eps = 1e-5,
        [ValueRange(0, 1)] double momentum = 0.1,
        bool affine = true,
        bool trackRunningStats = true,
        bool requiresGrad = true)
        : base(eps, momentum, affine, trackRunningStats, requiresGrad)
    {
    }
}
