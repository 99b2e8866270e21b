namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>PolyMomentum</c>: the momentum (SGD's momentum, the Adam family's beta1) decays
/// polynomially (power <c>power</c>) from its value at <c>begin</c> to <c>eta_min</c> at <c>end</c>
/// - 1.
/// </summary>
[RegisterModel]
public sealed class PolyMomentum : PolyParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="etaMin">The momentum at the end of the range.</param>
    /// <param name="power">The power of the polynomial.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations and decay every iteration.</param>
    public PolyMomentum(
        [ValueRange(Minimum = 0)] double etaMin = 0,
        [ValueRange(Minimum = 0)] double power = 1.0,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(ScheduledParameter.Momentum, etaMin, power, begin, end, byEpoch, convertToIterBased)
    {
    }
}
