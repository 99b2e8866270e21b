namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ExponentialLR</c>: multiplies the learning rate by <c>gamma</c> at every step
/// after the first.
/// </summary>
[RegisterModel]
public sealed class ExponentialLR : ExponentialParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="gamma">The factor of each step.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations and decay every iteration.</param>
    public ExponentialLR(
        [ValueRange(Minimum = 0)] double gamma,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(ScheduledParameter.LearningRate, gamma, begin, end, byEpoch, convertToIterBased)
    {
    }
}
