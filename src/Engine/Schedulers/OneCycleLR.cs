namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>OneCycleLR</c>, the 1cycle policy of "Super-Convergence" (Smith and Topsakal):
/// the learning rate rises from <c>eta_max</c> / <c>div_factor</c> to <c>eta_max</c> over the first
/// <c>pct_start</c> of <c>total_steps</c>, then falls to the initial rate / <c>final_div_factor</c>
/// (with <c>three_phase</c>, back to the initial rate by 2 <c>pct_start</c> and to the minimum in a third phase),
/// by cosine or linear annealing. Not chainable: it sets the rate outright, and makes
/// eta_max / div_factor the initial rate of schedulers attached after it, as mmengine does.
/// </summary>
/// <remarks>
/// <c>cycle_momentum</c>, <c>base_momentum</c> and <c>max_momentum</c> are torch's
/// <c>OneCycleLR</c> arguments, which mmengine's lacks: with <c>cycle_momentum</c> true the
/// momentum (SGD's, or the Adam family's beta1) moves opposite to the rate, from
/// <c>max_momentum</c> to <c>base_momentum</c> and back. Its default, false, is mmengine's behaviour.
/// </remarks>
[RegisterModel]
public sealed class OneCycleLR : ParamScheduler
{
    private readonly double etaMax;
    private readonly double pctStart;
    private readonly bool cosine;
    private readonly double divFactor;
    private readonly double finalDivFactor;
    private readonly bool threePhase;
    private readonly bool cycleMomentum;
    private readonly double baseMomentum;
    private readonly double maxMomentum;
    private int? totalSteps;
    private Phase[] phases = [];

    /// <summary>Creates the scheduler.</summary>
    /// <param name="etaMax">The highest learning rate of the cycle.</param>
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
        [ValueRange(Minimum = 0)] double etaMax,
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
        : base(ScheduledParameter.LearningRate, begin, end, byEpoch, convertToIterBased)
    {
        if (!(etaMax >= 0) || double.IsInfinity(etaMax))
        {
            throw new ConfigValueException("eta_max", etaMax, "a finite number >= 0");
        }

        if (totalSteps < 1)
        {
            throw new ConfigValueException("total_steps", totalSteps, "at least 1");
        }

        if (!(pctStart >= 0 && pctStart <= 1))
        {
            throw new ConfigValueException("pct_start", pctStart, "between 0 and 1");
        }

        if (annealStrategy is not ("cos" or "linear"))
        {
            throw new ConfigValueException("anneal_strategy", annealStrategy, "\"cos\" or \"linear\"");
        }

        if (!(divFactor > 0) || !(finalDivFactor > 0))
        {
            throw new ConfigValueException(divFactor > 0 ? "final_div_factor" : "div_factor", divFactor > 0 ? finalDivFactor : divFactor, "greater than 0");
        }

        this.etaMax = etaMax;
        this.totalSteps = totalSteps;
        this.pctStart = pctStart;
        cosine = annealStrategy == "cos";
        this.divFactor = divFactor;
        this.finalDivFactor = finalDivFactor;
        this.threePhase = threePhase;
        this.cycleMomentum = cycleMomentum;
        this.baseMomentum = baseMomentum;
        this.maxMomentum = maxMomentum;
    }

    /// <summary>The steps of the cycle (resolved when attached).</summary>
    public int? TotalSteps => totalSteps;

    /// <inheritdoc />
    protected override void ConvertToIterations(int epochLength) => totalSteps = totalSteps is { } steps ? checked(steps * epochLength) : null;

    /// <inheritdoc />
    protected override void OnAttached()
    {
        var steps = totalSteps ??= End - Begin;

        // mmengine and torch fail at the step past total_steps; refusing here fails before training.
        if (End - Begin - 1 > steps)
        {
            throw new ConfigValueException("total_steps", steps, $"at least {End - Begin - 1}, the steps from begin ({Begin}) to end ({End}) less one; or set end to at most {checked(Begin + steps + 1)}");
        }

        var initial = etaMax / divFactor;
        var minimum = initial / finalDivFactor;
        var peak = pctStart * steps;
        phases = threePhase
            ?
            [
                new Phase(peak - 1, initial, etaMax, maxMomentum, baseMomentum),
                new Phase((2 * peak) - 2, etaMax, initial, baseMomentum, maxMomentum),
                new Phase(steps - 1, initial, minimum, maxMomentum, maxMomentum),
            ]
            :
            [
                new Phase(peak - 1, initial, etaMax, maxMomentum, baseMomentum),
                new Phase(steps - 1, etaMax, minimum, baseMomentum, maxMomentum),
            ];

        if (cycleMomentum && Groups.FirstOrDefault(group => !ScheduledParameter.Momentum.IsIn(group)) is { } without)
        {
            throw new ConfigValueException("cycle_momentum", true, $"false: the optimizer's parameter groups ({without.GetType().Name}) have no momentum or betas to cycle");
        }

        foreach (var group in Groups)
        {
            group.InitialLearningRate = initial;
            if (cycleMomentum)
            {
                ScheduledParameter.Momentum.Set(group, maxMomentum);
            }
        }
    }

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var startStep = 0.0;
        var index = 0;
        while (LastStep > phases[index].EndStep && index < phases.Length - 1)
        {
            startStep = phases[index].EndStep;
            index++;
        }

        var phase = phases[index];
        var fraction = (LastStep - startStep) / (phase.EndStep - startStep);
        if (cycleMomentum)
        {
            var momentum = Anneal(phase.StartMomentum, phase.EndMomentum, fraction);
            foreach (var group in Groups)
            {
                ScheduledParameter.Momentum.Set(group, momentum);
            }
        }

        var rate = Anneal(phase.StartRate, phase.EndRate, fraction);
        var rates = new double[current.Count];
        Array.Fill(rates, rate);
        return rates;
    }

    private double Anneal(double start, double end, double fraction) =>
        cosine ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * fraction) + 1)) : ((end - start) * fraction) + start;

    // One phase of the cycle: it ends at step EndStep (fractional, as pct_start * total_steps is).
    private readonly record struct Phase(double EndStep, double StartRate, double EndRate, double StartMomentum, double EndMomentum);
}
