namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>StepMomentum</c>: multiplies the momentum (SGD's momentum, the Adam family's
/// beta1) by <c>gamma</c> every <c>step_size</c> steps.
/// </summary>
[RegisterModel]
public sealed class StepMomentum : StepParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="stepSize">The period of the decay, in steps.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the period in iterations (epochs times the epoch length).</param>
    public StepMomentum(
        [ValueRange(Minimum = 1)] int stepSize,
        [ValueRange(Minimum = 0)] double gamma = 0.1,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(ScheduledParameter.Momentum, stepSize, gamma, begin, end, byEpoch, convertToIterBased)
    {
    }
}
