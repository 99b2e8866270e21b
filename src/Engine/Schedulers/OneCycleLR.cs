namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>OneCycleLR</c>: <see cref="OneCycleParamScheduler"/> on the learning rate, the 1cycle
/// policy of "Super-Convergence" (Smith and Topsakal). <c>eta_max</c> is one rate, or one per
/// parameter group (as mmengine's list, for groups made by <c>paramwise_cfg</c>).
/// </summary>
/// <remarks>
/// <c>cycle_momentum</c>, <c>base_momentum</c> and <c>max_momentum</c> are torch's
/// <c>OneCycleLR</c> arguments, which mmengine's lacks: with <c>cycle_momentum</c> true the
/// momentum (SGD's, or the Adam family's beta1) moves opposite to the rate, from
/// <c>max_momentum</c> to <c>base_momentum</c> and back. Its default, false, is mmengine's behaviour.
/// </remarks>
[RegisterModel]
public sealed class OneCycleLR : OneCycleParamScheduler
{
    /// <summary>Creates the scheduler.</summary>
    /// <param name="etaMax">The highest learning rate of the cycle: one number, or one per parameter group.</param>
    /// <param name="totalSteps">The steps of the cycle; end - begin when null.</param>
    /// <param name="pctStart">The fraction of the cycle spent raising the rate.</param>
    /// <param name="annealStrategy">"cos" or "linear": how the rate moves within a phase.</param>
    /// <param name="divFactor">The initial rate is eta_max / div_factor.</param>
    /// <param name="finalDivFactor">The last rate is the initial rate / final_div_factor.</param>
    /// <param name="threePhase">Fall back to the initial rate symmetrically, then to the minimum in a third phase (the paper's schedule), instead of falling to the minimum at once (fastai's).</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count total_steps and the range in iterations and change the rate every iteration.</param>
    /// <param name="cycleMomentum">Also move the momentum opposite to the rate (torch's OneCycleLR; not in mmengine's).</param>
    /// <param name="baseMomentum">The lowest momentum, reached when the rate peaks.</param>
    /// <param name="maxMomentum">The highest momentum, at the start and end of the cycle.</param>
    public OneCycleLR(
        [ValueRange(Minimum = 0)] double[] etaMax,
        [ValueRange(Minimum = 1)] int? totalSteps = null,
        [ValueRange(0, 1)] double pctStart = 0.3,
        [OneOf("cos", "linear")] string annealStrategy = "cos",
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double divFactor = 25,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double finalDivFactor = 1e4,
        bool threePhase = false,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false,
        bool cycleMomentum = false,
        [ValueRange(0, 1)] double baseMomentum = 0.85,
        [ValueRange(0, 1)] double maxMomentum = 0.95)
        : base(ScheduledParameter.LearningRate, etaMax, totalSteps, pctStart, annealStrategy, divFactor, finalDivFactor, threePhase, begin, end, byEpoch, convertToIterBased, cycleMomentum, baseMomentum, maxMomentum)
    {
    }
}
