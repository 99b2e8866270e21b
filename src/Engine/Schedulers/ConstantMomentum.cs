namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ConstantMomentum</c>: multiplies the momentum (SGD's momentum, the Adam family's
/// beta1) by <c>factor</c> from <c>begin</c> until <c>end</c> - 1, where it divides it back.
/// </summary>
[RegisterModel]
public sealed class ConstantMomentum : ConstantParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="factor">The factor over the range, in (0, 1].</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations (epochs times the epoch length).</param>
    public ConstantMomentum(
        [ValueRange(0, 1, MinimumExclusive = true)] double factor = 1.0 / 3,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(ScheduledParameter.Momentum, factor, begin, end, byEpoch, convertToIterBased)
    {
    }
}
