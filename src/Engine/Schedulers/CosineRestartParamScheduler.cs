namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>CosineRestartParamScheduler</c>, the formula of <see cref="CosineRestartLR"/> and
/// <see cref="CosineRestartMomentum"/>: cosine annealing with warm restarts (SGDR). Each of
/// <c>periods</c> anneals from the initial value times its <c>restart_weights</c> entry down to
/// <c>eta_min</c> (or the initial value times <c>eta_min_ratio</c>); after the last period the
/// value is held. With every weight 1 and periods T_0, T_0 T_mult, ... it is torch's
/// <c>CosineAnnealingWarmRestarts</c> over those periods.
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class CosineRestartParamScheduler : ParamScheduler
{
    private int[] periods;
    private int[] cumulativePeriods;
    private readonly double[] restartWeights;
    private readonly double? etaMin;
    private readonly double? etaMinRatio;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="periods">The length of each cosine cycle, in steps.</param>
    /// <param name="restartWeights">The factor of the initial value each cycle restarts from, one per period.</param>
    /// <param name="etaMin">The minimum value.</param>
    /// <param name="etaMinRatio">The minimum value as a fraction of the initial one.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the periods in iterations (epochs times the epoch length).</param>
    public CosineRestartParamScheduler(
        string paramName,
        [ValueRange(Minimum = 1)] int[] periods,
        [DefaultItems(1.0)] double[]? restartWeights = null,
        [ValueRange(Minimum = 0)] double? etaMin = null,
        [ValueRange(Minimum = 0)] double? etaMinRatio = null,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), periods, restartWeights ?? [1.0], etaMin, etaMinRatio, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Checks and keeps the periods, weights and minimum; give exactly one of eta_min and eta_min_ratio.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="periods">The length of each cosine cycle, in steps.</param>
    /// <param name="restartWeights">The factor of the initial value each cycle restarts from, one per period.</param>
    /// <param name="etaMin">The minimum value.</param>
    /// <param name="etaMinRatio">The minimum value as a fraction of the initial one.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the periods in iterations (epochs times the epoch length).</param>
    protected CosineRestartParamScheduler(ScheduledParameter parameter, int[] periods, double[] restartWeights, double? etaMin, double? etaMinRatio, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(restartWeights);
        if (periods.Length == 0)
        {
            throw new ConfigValueException("periods", "[]", "at least one period");
        }

        for (var i = 0; i < periods.Length; i++)
        {
            if (periods[i] < 1)
            {
                throw new ConfigValueException($"periods[{i}]", periods[i], "at least 1");
            }
        }

        if (restartWeights.Length != periods.Length)
        {
            throw new ConfigValueException("restart_weights", $"{restartWeights.Length} weight(s)", $"one weight per period ({periods.Length})");
        }

        // mmengine requires exactly one of them here, unlike CosineAnnealingLR, which defaults eta_min to 0.
        if (etaMin is null && etaMinRatio is null)
        {
            throw new ConfigValueException("eta_min", null, "given, or eta_min_ratio given (the cosine's minimum)");
        }

        if (etaMin is not null && etaMinRatio is not null)
        {
            throw new ConfigValueException("eta_min_ratio", etaMinRatio, "null when eta_min is given (give one of them)");
        }

        this.periods = [.. periods];
        cumulativePeriods = Cumulate(this.periods);
        this.restartWeights = [.. restartWeights];
        this.etaMin = etaMin;
        this.etaMinRatio = etaMinRatio;
    }

    /// <inheritdoc />
    protected override void ConvertToIterations(int epochLength)
    {
        periods = [.. periods.Select(period => checked(period * epochLength))];
        cumulativePeriods = Cumulate(periods);
    }

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var cycle = Array.FindIndex(cumulativePeriods, cumulative => LastStep < cumulative);
        if (cycle < 0)
        {
            return [.. current];
        }

        var period = periods[cycle];
        var step = LastStep - (cycle == 0 ? 0 : cumulativePeriods[cycle - 1]);
        var values = new double[current.Count];
        for (var i = 0; i < current.Count; i++)
        {
            var minimum = etaMin ?? (BaseValues[i] * etaMinRatio!.Value);
            values[i] = step == 0
                ? BaseValues[i] * restartWeights[cycle]
                : ((1 + Math.Cos(Math.PI * step / period)) / (1 + Math.Cos(Math.PI * (step - 1) / period)) * (current[i] - minimum)) + minimum;
        }

        return values;
    }

    private static int[] Cumulate(int[] lengths)
    {
        var sums = new int[lengths.Length];
        var sum = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            sum = checked(sum + lengths[i]);
            sums[i] = sum;
        }

        return sums;
    }
}
