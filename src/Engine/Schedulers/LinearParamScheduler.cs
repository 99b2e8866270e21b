namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>LinearParamScheduler</c>, the formula of <see cref="LinearLR"/> and
/// <see cref="LinearMomentum"/>: multiplies the setting by a factor that moves linearly from
/// <c>start_factor</c> at <c>begin</c> to <c>end_factor</c> at <c>end</c> - 1.
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class LinearParamScheduler : ParamScheduler
{
    private readonly double startFactor;
    private readonly double endFactor;
    private int totalIterations;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="startFactor">The factor at the first step, in (0, 1].</param>
    /// <param name="endFactor">The factor at the last step, in [0, 1].</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Change the value every iteration over the same epoch range.</param>
    public LinearParamScheduler(
        string paramName,
        [ValueRange(0, 1, MinimumExclusive = true)] double startFactor = 1.0 / 3,
        [ValueRange(0, 1)] double endFactor = 1.0,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), startFactor, endFactor, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Checks and keeps the factors.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="startFactor">The factor at the first step, in (0, 1].</param>
    /// <param name="endFactor">The factor at the last step, in [0, 1].</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Change the value every iteration over the same epoch range.</param>
    protected LinearParamScheduler(ScheduledParameter parameter, double startFactor, double endFactor, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ConfigValueException("start_factor", startFactor, "greater than 0 and at most 1");
        }

        if (!(endFactor >= 0 && endFactor <= 1))
        {
            throw new ConfigValueException("end_factor", endFactor, "between 0 and 1");
        }

        this.startFactor = startFactor;
        this.endFactor = endFactor;
    }

    /// <inheritdoc />
    protected override void OnAttached() => totalIterations = End - Begin - 1;

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        if (LastStep == 0)
        {
            return Scaled(current, startFactor);
        }

        var change = endFactor - startFactor;
        var factor = 1.0 + (change / ((totalIterations * startFactor) + ((LastStep - 1) * change)));
        return Scaled(current, factor);
    }
}
