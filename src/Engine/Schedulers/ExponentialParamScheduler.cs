namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ExponentialParamScheduler</c>, the formula of <see cref="ExponentialLR"/> and
/// <see cref="ExponentialMomentum"/>: multiplies the setting by <c>gamma</c> at every step after the first.
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class ExponentialParamScheduler : ParamScheduler
{
    private readonly double gamma;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="gamma">The factor of each step.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations and decay every iteration.</param>
    public ExponentialParamScheduler(
        string paramName,
        [ValueRange(Minimum = 0)] double gamma,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), gamma, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Keeps the factor.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="gamma">The factor of each step.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the range in iterations and decay every iteration.</param>
    protected ExponentialParamScheduler(ScheduledParameter parameter, double gamma, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma))
        {
            throw new ConfigValueException("gamma", gamma, "a finite number >= 0");
        }

        this.gamma = gamma;
    }

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var factor = LastStep == 0 ? 1.0 : gamma;
        return Scaled(current, factor);
    }
}
