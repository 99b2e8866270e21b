namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>CosineAnnealingLR</c>: the rate follows half a cosine from its initial value down
/// to <c>eta_min</c> over <c>T_max</c> steps (written <c>t_max</c> here, as config keys are
/// snake_case).
/// </summary>
[RegisterModel]
public sealed class CosineAnnealingLR : CosineAnnealingParamScheduler
{
    /// <summary>Creates the scheduler; give eta_min or eta_min_ratio, not both (eta_min 0 when neither).</summary>
    /// <param name="tMax">The steps of the half period; end - begin when null.</param>
    /// <param name="etaMin">The minimum learning rate.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count T_max in iterations and change the rate every iteration.</param>
    /// <param name="etaMinRatio">The minimum learning rate as a fraction of the initial one.</param>
    public CosineAnnealingLR(
        [ValueRange(Minimum = 1)] int? tMax = null,
        [ValueRange(Minimum = 0)] double? etaMin = null,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false,
        [ValueRange(Minimum = 0)] double? etaMinRatio = null)
        : base(ScheduledParameter.LearningRate, tMax, etaMin, begin, end, byEpoch, convertToIterBased, etaMinRatio)
    {
    }
}
