namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>CosineAnnealingParamScheduler</c>, the formula of <see cref="CosineAnnealingLR"/>
/// and <see cref="CosineAnnealingMomentum"/>: the setting follows half a cosine from its initial
/// value down to <c>eta_min</c> over <c>T_max</c> steps (written <c>t_max</c> here, as config keys
/// are snake_case), and climbs back after, as SGDR's cosine does.
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class CosineAnnealingParamScheduler : ParamScheduler
{
    private int? tMax;
    private readonly double? etaMin;
    private readonly double? etaMinRatio;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names; give eta_min or eta_min_ratio, not both (eta_min 0 when neither).</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="tMax">The steps of the half period; end - begin when null.</param>
    /// <param name="etaMin">The minimum value.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count T_max in iterations and change the value every iteration.</param>
    /// <param name="etaMinRatio">The minimum value as a fraction of the initial one.</param>
    public CosineAnnealingParamScheduler(
        string paramName,
        [ValueRange(Minimum = 1)] int? tMax = null,
        [ValueRange(Minimum = 0)] double? etaMin = null,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false,
        [ValueRange(Minimum = 0)] double? etaMinRatio = null)
        : this(ScheduledParameter.Named(paramName), tMax, etaMin, begin, end, byEpoch, convertToIterBased, etaMinRatio)
    {
    }

    /// <summary>Checks and keeps the period and the minimum; give eta_min or eta_min_ratio, not both (eta_min 0 when neither).</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="tMax">The steps of the half period; end - begin when null.</param>
    /// <param name="etaMin">The minimum value.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count T_max in iterations and change the value every iteration.</param>
    /// <param name="etaMinRatio">The minimum value as a fraction of the initial one.</param>
    protected CosineAnnealingParamScheduler(ScheduledParameter parameter, int? tMax, double? etaMin, int begin, int? end, bool byEpoch, bool convertToIterBased, double? etaMinRatio)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        if (etaMin is not null && etaMinRatio is not null)
        {
            throw new ConfigValueException("eta_min_ratio", etaMinRatio, "null when eta_min is given (give one of them)");
        }

        if (tMax < 1)
        {
            throw new ConfigValueException("t_max", tMax, "at least 1");
        }

        this.tMax = tMax;
        this.etaMin = etaMin ?? (etaMinRatio is null ? 0.0 : null);
        this.etaMinRatio = etaMinRatio;
    }

    /// <summary>The half period in steps (resolved when attached).</summary>
    public int? TMax => tMax;

    /// <inheritdoc />
    protected override void ConvertToIterations(int epochLength) => tMax = tMax is { } period ? checked(period * epochLength) : null;

    /// <inheritdoc />
    protected override void OnAttached() => tMax ??= End - Begin;

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var period = tMax!.Value;
        var values = new double[current.Count];
        for (var i = 0; i < current.Count; i++)
        {
            var minimum = etaMin ?? (BaseValues[i] * etaMinRatio!.Value);
            if (LastStep == 0)
            {
                values[i] = current[i];
            }
            else if ((LastStep - 1 - period) % (2 * period) == 0)
            {
                values[i] = current[i] + ((BaseValues[i] - minimum) * (1 - Math.Cos(Math.PI / period)) / 2);
            }
            else
            {
                values[i] = ((1 + Math.Cos(Math.PI * LastStep / period)) / (1 + Math.Cos(Math.PI * (LastStep - 1) / period)) * (current[i] - minimum)) + minimum;
            }
        }

        return values;
    }
}
