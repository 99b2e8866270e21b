namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>StepParamScheduler</c>, the formula of <see cref="StepLR"/> and
/// <see cref="StepMomentum"/>: multiplies the setting by <c>gamma</c> every <c>step_size</c> steps.
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class StepParamScheduler : ParamScheduler
{
    private int stepSize;
    private readonly double gamma;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="stepSize">The period of the decay, in steps.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the period in iterations (epochs times the epoch length).</param>
    public StepParamScheduler(
        string paramName,
        [ValueRange(Minimum = 1)] int stepSize,
        [ValueRange(Minimum = 0)] double gamma = 0.1,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), stepSize, gamma, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Checks and keeps the period and the factor.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="stepSize">The period of the decay, in steps.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count the period in iterations (epochs times the epoch length).</param>
    protected StepParamScheduler(ScheduledParameter parameter, int stepSize, double gamma, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        if (stepSize < 1)
        {
            throw new ConfigValueException("step_size", stepSize, "at least 1");
        }

        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    /// <inheritdoc />
    protected override void ConvertToIterations(int epochLength) => stepSize = checked(stepSize * epochLength);

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var factor = LastStep == 0 || LastStep % stepSize != 0 ? 1.0 : gamma;
        return Scaled(current, factor);
    }
}
