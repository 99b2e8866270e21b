namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>CosineRestartLR</c>: cosine annealing with warm restarts (SGDR), one cycle per
/// entry of <c>periods</c>, each restarting from the initial rate times its <c>restart_weights</c>
/// entry.
/// </summary>
[RegisterModel]
public sealed class CosineRestartLR : CosineRestartParamScheduler
{
    /// <summary>Creates the scheduler; give exactly one of eta_min and eta_min_ratio.</summary>
    /// <param name="periods">The length of each cosine cycle, in steps.</param>
    /// <param name="restartWeights">The factor of the initial rate each cycle restarts from, one per period.</param>
    /// <param name="etaMin">The minimum learning rate.</param>
    /// <param name="etaMinRatio">The minimum learning rate as a fraction of the initial one.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the periods in iterations (epochs times the epoch length).</param>
    public CosineRestartLR(
        [ValueRange(Minimum = 1)] int[] periods,
        [DefaultItems(1.0)] double[]? restartWeights = null,
        [ValueRange(Minimum = 0)] double? etaMin = null,
        [ValueRange(Minimum = 0)] double? etaMinRatio = null,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(ScheduledParameter.LearningRate, periods, restartWeights ?? [1.0], etaMin, etaMinRatio, begin, end, byEpoch, convertToIterBased)
    {
    }
}
