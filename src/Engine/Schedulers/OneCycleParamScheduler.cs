namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>OneCycleParamScheduler</c>, the 1cycle policy of "Super-Convergence" (Smith and
/// Topsakal), for the setting <c>param_name</c> names (<see cref="OneCycleLR"/> for the rate): the
/// value rises from <c>eta_max</c> / <c>div_factor</c> to <c>eta_max</c> over the first
/// <c>pct_start</c> of <c>total_steps</c>, then falls to the initial value / <c>final_div_factor</c>
/// (with <c>three_phase</c>, back to the initial value by 2 <c>pct_start</c> and to the minimum in a
/// third phase), by cosine or linear annealing. <c>eta_max</c> is one number, or one per parameter
/// group. Not chainable: it sets the value outright, and makes eta_max / div_factor the initial
/// value of schedulers attached after it, as mmengine does.
/// </summary>
[RegisterModel]
public partial class OneCycleParamScheduler : ParamScheduler
{
    private readonly double[] etaMax;
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

    // Per parameter group: the value at the start (eta_max / div_factor), the peak and the minimum.
    private double[][] anchors = [];

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="etaMax">The highest value of the cycle: one number, or one per parameter group.</param>
    /// <param name="totalSteps">The steps of the cycle; end - begin when null.</param>
    /// <param name="pctStart">The fraction of the cycle spent raising the value.</param>
    /// <param name="annealStrategy">"cos" or "linear": how the value moves within a phase.</param>
    /// <param name="divFactor">The initial value is eta_max / div_factor.</param>
    /// <param name="finalDivFactor">The last value is the initial value / final_div_factor.</param>
    /// <param name="threePhase">Fall back to the initial value symmetrically, then to the minimum in a third phase (the paper's schedule), instead of falling to the minimum at once (fastai's).</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count total_steps and the range in iterations and change the value every iteration.</param>
    public OneCycleParamScheduler(
        string paramName,
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
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), etaMax, totalSteps, pctStart, annealStrategy, divFactor, finalDivFactor, threePhase, begin, end, byEpoch, convertToIterBased, cycleMomentum: false, baseMomentum: 0.85, maxMomentum: 0.95)
    {
    }

    /// <summary>Checks and keeps the cycle's settings.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="etaMax">The highest value of the cycle: one number, or one per parameter group.</param>
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
    protected OneCycleParamScheduler(
        ScheduledParameter parameter,
        double[] etaMax,
        int? totalSteps,
        double pctStart,
        string annealStrategy,
        double divFactor,
        double finalDivFactor,
        bool threePhase,
        int begin,
        int? end,
        bool byEpoch,
        bool convertToIterBased,
        bool cycleMomentum,
        double baseMomentum,
        double maxMomentum)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        ArgumentNullException.ThrowIfNull(etaMax);
        if (etaMax.Length == 0 || etaMax.Any(peak => !(peak >= 0) || double.IsInfinity(peak)))
        {
            throw new ConfigValueException("eta_max", etaMax.Length == 0 ? null : etaMax.First(peak => !(peak >= 0) || double.IsInfinity(peak)), "a finite number >= 0, or a list of them, one per parameter group");
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

        if (etaMax.Length != 1 && etaMax.Length != Groups.Count)
        {
            throw new ConfigValueException("eta_max", etaMax.Length, $"one number, or one per parameter group: the optimizer has {Groups.Count} group{(Groups.Count == 1 ? string.Empty : "s")}");
        }

        anchors = [.. Groups.Select((_, index) =>
        {
            var peakValue = etaMax[etaMax.Length == 1 ? 0 : index];
            var initial = peakValue / divFactor;
            return new[] { initial, peakValue, initial / finalDivFactor };
        })];
        var peak = pctStart * steps;
        phases = threePhase
            ?
            [
                new Phase(peak - 1, Anchor.Initial, Anchor.Peak, maxMomentum, baseMomentum),
                new Phase((2 * peak) - 2, Anchor.Peak, Anchor.Initial, baseMomentum, maxMomentum),
                new Phase(steps - 1, Anchor.Initial, Anchor.Minimum, maxMomentum, maxMomentum),
            ]
            :
            [
                new Phase(peak - 1, Anchor.Initial, Anchor.Peak, maxMomentum, baseMomentum),
                new Phase(steps - 1, Anchor.Peak, Anchor.Minimum, baseMomentum, maxMomentum),
            ];

        if (cycleMomentum && Groups.FirstOrDefault(group => !ScheduledParameter.Momentum.IsIn(group)) is { } without)
        {
            throw new ConfigValueException("cycle_momentum", true, $"false: the optimizer's parameter groups ({without.GetType().Name}) have no momentum or betas to cycle");
        }

        for (var i = 0; i < Groups.Count; i++)
        {
            var group = Groups[i];
            Parameter.SetInitial(group, anchors[i][(int)Anchor.Initial]);
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

        var values = new double[current.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Anneal(anchors[i][(int)phase.Start], anchors[i][(int)phase.End], fraction);
        }

        return values;
    }

    private double Anneal(double start, double end, double fraction) =>
        cosine ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * fraction) + 1)) : ((end - start) * fraction) + start;

    private enum Anchor
    {
        Initial,
        Peak,
        Minimum,
    }

    // One phase of the cycle: it ends at step EndStep (fractional, as pct_start * total_steps is).
    private readonly record struct Phase(double EndStep, Anchor Start, Anchor End, double StartMomentum, double EndMomentum);
}
