namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ReduceOnPlateauParamScheduler</c> (torch's <c>ReduceLROnPlateau</c>, with mmengine's
/// names): after each validation it reads the metric <c>monitor</c> names, and when it has not
/// improved for more than <c>patience</c> validations, multiplies the setting <c>param_name</c>
/// names by <c>factor</c> (never below <c>min_value</c>), then waits <c>cooldown</c> validations
/// before counting again. Between validations it only counts training epochs, for its
/// <c>begin</c>/<c>end</c> range.
/// </summary>
/// <remarks>
/// As mmengine, it steps by epoch only. In an iteration-based run (no epochs) it acts on every
/// validation, as mmengine's does; there its range must start at 0.
/// </remarks>
[RegisterModel]
public partial class ReduceOnPlateauParamScheduler : ParamScheduler
{
    private readonly string monitor;
    private readonly bool greater;
    private readonly double factor;
    private readonly int patience;
    private readonly double threshold;
    private readonly bool relative;
    private readonly int cooldown;
    private readonly double[] minValue;
    private readonly double eps;
    private double best;
    private int badValidations;
    private int cooldownLeft;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="monitor">The validation metric watched, such as "accuracy/top1".</param>
    /// <param name="rule">"less" when smaller values of the metric are better, "greater" when larger are.</param>
    /// <param name="factor">The factor applied when the metric stalls, in [0, 1).</param>
    /// <param name="patience">How many validations without improvement are tolerated before reducing.</param>
    /// <param name="threshold">How much better a value must be to count as an improvement.</param>
    /// <param name="thresholdRule">"rel": better than best times (1 ± threshold); "abs": better than best ± threshold.</param>
    /// <param name="cooldown">Validations to wait after a reduction before counting stalls again.</param>
    /// <param name="minValue">The lowest value: one number, or one per parameter group.</param>
    /// <param name="eps">A reduction smaller than this is skipped.</param>
    /// <param name="begin">The first epoch whose validation the scheduler acts on.</param>
    /// <param name="end">The epoch it stops before; never when null.</param>
    /// <param name="byEpoch">Must be true: the scheduler counts epochs, as mmengine's.</param>
    public ReduceOnPlateauParamScheduler(
        string paramName,
        string monitor = "loss",
        [OneOf("less", "greater")] string rule = "less",
        [ValueRange(0, 1, MaximumExclusive = true)] double factor = 0.1,
        [ValueRange(Minimum = 0)] int patience = 10,
        [ValueRange(Minimum = 0)] double threshold = 1e-4,
        [OneOf("rel", "abs")] string thresholdRule = "rel",
        [ValueRange(Minimum = 0)] int cooldown = 0,
        [DefaultItems(0.0)] double[]? minValue = null,
        [ValueRange(Minimum = 0)] double eps = 1e-8,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true)
        : this(ScheduledParameter.Named(paramName), monitor, rule, factor, patience, threshold, thresholdRule, cooldown, minValue, eps, begin, end, byEpoch)
    {
    }

    /// <summary>Checks and keeps the settings.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="monitor">The validation metric watched.</param>
    /// <param name="rule">"less" or "greater": which values of the metric are better.</param>
    /// <param name="factor">The factor applied when the metric stalls, in [0, 1).</param>
    /// <param name="patience">How many validations without improvement are tolerated before reducing.</param>
    /// <param name="threshold">How much better a value must be to count as an improvement.</param>
    /// <param name="thresholdRule">"rel" or "abs": how threshold applies.</param>
    /// <param name="cooldown">Validations to wait after a reduction before counting stalls again.</param>
    /// <param name="minValue">The lowest value: one number, or one per parameter group; 0 when null.</param>
    /// <param name="eps">A reduction smaller than this is skipped.</param>
    /// <param name="begin">The first epoch whose validation the scheduler acts on.</param>
    /// <param name="end">The epoch it stops before; never when null.</param>
    /// <param name="byEpoch">Must be true.</param>
    protected ReduceOnPlateauParamScheduler(
        ScheduledParameter parameter,
        string monitor,
        string rule,
        double factor,
        int patience,
        double threshold,
        string thresholdRule,
        int cooldown,
        double[]? minValue,
        double eps,
        int begin,
        int? end,
        bool byEpoch)
        : base(parameter, begin, end ?? int.MaxValue, byEpoch, convertToIterBased: false)
    {
        if (string.IsNullOrWhiteSpace(monitor))
        {
            throw new ConfigValueException("monitor", monitor, "the name of a validation metric, such as \"accuracy/top1\"");
        }

        if (rule is not ("less" or "greater"))
        {
            throw new ConfigValueException("rule", rule, "\"less\" or \"greater\"");
        }

        if (thresholdRule is not ("rel" or "abs"))
        {
            throw new ConfigValueException("threshold_rule", thresholdRule, "\"rel\" or \"abs\"");
        }

        if (!(factor >= 0 && factor < 1))
        {
            throw new ConfigValueException("factor", factor, "at least 0 and less than 1 (the value is multiplied by it)");
        }

        if (!byEpoch)
        {
            throw new ConfigValueException("by_epoch", false, "true: the scheduler counts epochs and acts on validations, as mmengine's");
        }

        if (minValue is { Length: 0 } || minValue?.Any(value => !(value >= 0)) == true)
        {
            throw new ConfigValueException("min_value", minValue.Length == 0 ? null : minValue.First(value => !(value >= 0)), "a number >= 0, or a list of them, one per parameter group");
        }

        if (patience < 0 || cooldown < 0)
        {
            throw new ConfigValueException(patience < 0 ? "patience" : "cooldown", Math.Min(patience, cooldown), "0 or more");
        }

        this.monitor = monitor;
        greater = rule == "greater";
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        relative = thresholdRule == "rel";
        this.cooldown = cooldown;
        this.minValue = minValue ?? [0.0];
        this.eps = eps;
        best = greater ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <inheritdoc />
    public override bool StepsOnValidation => true;

    /// <summary>The best value of the watched metric so far.</summary>
    public double Best => best;

    /// <inheritdoc />
    protected override void OnAttached()
    {
        if (minValue.Length != 1 && minValue.Length != Groups.Count)
        {
            throw new ConfigValueException("min_value", minValue.Length, $"one number, or one per parameter group: the optimizer has {Groups.Count} group{(Groups.Count == 1 ? string.Empty : "s")}");
        }
    }

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current) => [.. current];

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(monitor, out var value))
        {
            throw new ConfigValueException("monitor", monitor, $"a number the validation computes: {string.Join(", ", metrics.Keys.Select(name => $"\"{name}\""))}");
        }

        if (IsBetter(value))
        {
            best = value;
            badValidations = 0;
        }
        else
        {
            badValidations++;
        }

        if (cooldownLeft > 0)
        {
            cooldownLeft--;
            badValidations = 0;
        }

        var values = current.ToArray();
        if (badValidations > patience)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var reduced = Math.Max(current[i] * factor, minValue[minValue.Length == 1 ? 0 : i]);
                if (current[i] - reduced > eps)
                {
                    values[i] = reduced;
                }
            }

            cooldownLeft = cooldown;
            badValidations = 0;
        }

        return values;
    }

    /// <inheritdoc />
    protected override void WriteState(IDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["best"] = best;
        state["num_bad_epochs"] = (long)badValidations;
        state["cooldown_counter"] = (long)cooldownLeft;
    }

    /// <inheritdoc />
    protected override void ReadState(IReadOnlyDictionary<string, object?> state)
    {
        best = ReadDouble(state, "best");
        badValidations = ReadInt(state, "num_bad_epochs");
        cooldownLeft = ReadInt(state, "cooldown_counter");
    }

    private bool IsBetter(double value) => (greater, relative) switch
    {
        (false, true) => value < best * (1 - threshold),
        (false, false) => value < best - threshold,
        (true, true) => value > best * (1 + threshold),
        (true, false) => value > best + threshold,
    };
}
