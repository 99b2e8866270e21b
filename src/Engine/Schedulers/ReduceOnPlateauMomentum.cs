namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ReduceOnPlateauMomentum</c>: <see cref="ReduceOnPlateauParamScheduler"/> on the momentum (SGD's, or the Adam family's beta1), reduced by
/// <c>factor</c> when the validation metric <c>monitor</c> stops improving.
/// </summary>
[RegisterModel]
public sealed class ReduceOnPlateauMomentum : ReduceOnPlateauParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="monitor">The validation metric watched, such as "accuracy/top1".</param>
    /// <param name="rule">"less" when smaller values of the metric are better, "greater" when larger are.</param>
    /// <param name="factor">The factor applied to the momentum when the metric stalls, in [0, 1).</param>
    /// <param name="patience">How many validations without improvement are tolerated before reducing.</param>
    /// <param name="threshold">How much better a value must be to count as an improvement.</param>
    /// <param name="thresholdRule">"rel": better than best times (1 ± threshold); "abs": better than best ± threshold.</param>
    /// <param name="cooldown">Validations to wait after a reduction before counting stalls again.</param>
    /// <param name="minValue">The lowest momentum: one number, or one per parameter group.</param>
    /// <param name="eps">A reduction smaller than this is skipped.</param>
    /// <param name="begin">The first epoch whose validation the scheduler acts on.</param>
    /// <param name="end">The epoch it stops before; never when null.</param>
    /// <param name="byEpoch">Must be true: the scheduler counts epochs, as mmengine's.</param>
    public ReduceOnPlateauMomentum(
        string monitor = "loss",
        [OneOf("less", "greater")] string rule = "less",
        [ValueRange(0, 1, MaximumExclusive = true)] double factor = 0.1,
        [ValueRange(Minimum = 0)] int patience = 10,
        [ValueRange(Minimum = 0)] double threshold = 1e-4,
        [OneOf("rel", "abs")] string thresholdRule = "rel",
        [ValueRange(Minimum = 0)] int cooldown = 0,
        [DefaultItems(0.0)] double[]? minValue = null,
        [ValueRange(Minimum = 0)] double eps = 1e-8,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true)
        : base(ScheduledParameter.Momentum, monitor, rule, factor, patience, threshold, thresholdRule, cooldown, minValue, eps, begin, end, byEpoch)
    {
    }
}
