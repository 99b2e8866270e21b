namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>PolyParamScheduler</c>, the formula of <see cref="PolyLR"/> and
/// <see cref="PolyMomentum"/>: the setting decays polynomially from its value at <c>begin</c> to
/// <c>eta_min</c> at <c>end</c> - 1 (with eta_min 0, torch's <c>PolynomialLR</c> with
/// <c>total_iters</c> = end - begin - 1).
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class PolyParamScheduler : ParamScheduler
{
    private readonly double etaMin;
    private readonly double power;
    private int totalIterations;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="etaMin">The value at the end of the range.</param>
    /// <param name="power">The power of the polynomial.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations and decay every iteration.</param>
    public PolyParamScheduler(
        string paramName,
        [ValueRange(Minimum = 0)] double etaMin = 0,
        [ValueRange(Minimum = 0)] double power = 1.0,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), etaMin, power, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Keeps the minimum and the power.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="etaMin">The value at the end of the range.</param>
    /// <param name="power">The power of the polynomial.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations and decay every iteration.</param>
    protected PolyParamScheduler(ScheduledParameter parameter, double etaMin, double power, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        if (!double.IsFinite(etaMin))
        {
            throw new ConfigValueException("eta_min", etaMin, "a finite number");
        }

        if (!(power >= 0) || double.IsInfinity(power))
        {
            throw new ConfigValueException("power", power, "a finite number >= 0");
        }

        this.etaMin = etaMin;
        this.power = power;
    }

    /// <inheritdoc />
    protected override void OnAttached() => totalIterations = End - Begin - 1;

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        if (LastStep == 0)
        {
            return [.. current];
        }

        var factor = Math.Pow(1 - (1.0 / (totalIterations - LastStep + 1)), power);
        var values = new double[current.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((current[i] - etaMin) * factor) + etaMin;
        }

        return values;
    }
}
