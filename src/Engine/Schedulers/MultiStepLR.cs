namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>MultiStepLR</c>: multiplies the learning rate by <c>gamma</c> at each milestone (a
/// step counted from 0).
/// </summary>
[RegisterModel]
public sealed class MultiStepLR : MultiStepParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="milestones">The steps (epochs or iterations) at which the rate decays.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count milestones in iterations (epoch milestones times the epoch length).</param>
    public MultiStepLR(
        [ValueRange(Minimum = 0)] int[] milestones,
        [ValueRange(Minimum = 0)] double gamma = 0.1,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(ScheduledParameter.LearningRate, milestones, gamma, begin, end, byEpoch, convertToIterBased)
    {
    }
}
