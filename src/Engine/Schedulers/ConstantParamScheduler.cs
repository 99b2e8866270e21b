namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ConstantParamScheduler</c>, the formula of <see cref="ConstantLR"/> and
/// <see cref="ConstantMomentum"/>: multiplies the setting by <c>factor</c> at <c>begin</c> and
/// divides it back at <c>end</c> - 1, holding it in between.
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class ConstantParamScheduler : ParamScheduler
{
    private readonly double factor;
    private int totalIterations;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="factor">The factor over the range, in (0, 1].</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations (epochs times the epoch length).</param>
    public ConstantParamScheduler(
        string paramName,
        [ValueRange(0, 1, MinimumExclusive = true)] double factor = 1.0 / 3,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), factor, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Checks and keeps the factor.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="factor">The factor over the range, in (0, 1].</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations (epochs times the epoch length).</param>
    protected ConstantParamScheduler(ScheduledParameter parameter, double factor, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        // mmengine takes 0 too, and then divides by it at the range's last step.
        if (!(factor > 0 && factor <= 1))
        {
            throw new ConfigValueException("factor", factor, "greater than 0 and at most 1");
        }

        this.factor = factor;
    }

    /// <inheritdoc />
    protected override void OnAttached() => totalIterations = End - Begin - 1;

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var change = LastStep == 0 ? factor : LastStep == totalIterations ? 1.0 / factor : 1.0;
        return Scaled(current, change);
    }
}
