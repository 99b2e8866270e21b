namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>MultiStepParamScheduler</c>, the formula of <see cref="MultiStepLR"/> and
/// <see cref="MultiStepMomentum"/>: multiplies the setting by <c>gamma</c> at each milestone (a step counted from 0).
/// Registered under that name, it drives the setting <c>param_name</c> names (<c>lr</c>,
/// <c>momentum</c>, <c>weight_decay</c>, ...).
/// </summary>
[RegisterModel]
public partial class MultiStepParamScheduler : ParamScheduler
{
    private int[] milestones;
    private readonly double gamma;

    /// <summary>Creates the scheduler of the setting <paramref name="paramName"/> names.</summary>
    /// <param name="paramName">The optimizer setting to schedule: "lr", "momentum", or another number of the parameter groups such as "weight_decay".</param>
    /// <param name="milestones">The steps (epochs or iterations) at which the value decays.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count milestones in iterations (epoch milestones times the epoch length).</param>
    public MultiStepParamScheduler(
        string paramName,
        [ValueRange(Minimum = 0)] int[] milestones,
        [ValueRange(Minimum = 0)] double gamma = 0.1,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : this(ScheduledParameter.Named(paramName), milestones, gamma, begin, end, byEpoch, convertToIterBased)
    {
    }

    /// <summary>Checks and keeps the milestones and the factor.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="milestones">The steps (epochs or iterations) at which the value decays, in increasing order.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Count milestones in iterations (epoch milestones times the epoch length).</param>
    protected MultiStepParamScheduler(ScheduledParameter parameter, int[] milestones, double gamma, int begin, int? end, bool byEpoch, bool convertToIterBased)
        : base(parameter, begin, end, byEpoch, convertToIterBased)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        for (var i = 0; i < milestones.Length; i++)
        {
            if (milestones[i] < 0 || (i > 0 && milestones[i] < milestones[i - 1]))
            {
                throw new ConfigValueException($"milestones[{i}]", milestones[i], i == 0 ? "0 or more" : $"at least milestones[{i - 1}] ({milestones[i - 1]}): milestones must increase");
            }
        }

        this.milestones = [.. milestones];
        this.gamma = gamma;
    }

    /// <summary>The milestones, in the scheduler's steps.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    /// <inheritdoc />
    protected override void ConvertToIterations(int epochLength) =>
        milestones = [.. milestones.Select(milestone => checked(milestone * epochLength))];

    /// <inheritdoc />
    protected override double[] ComputeValues(IReadOnlyList<double> current)
    {
        var hits = 0;
        foreach (var milestone in milestones)
        {
            hits += milestone == LastStep ? 1 : 0;
        }

        var factor = hits == 0 ? 1.0 : Math.Pow(gamma, hits);
        return Scaled(current, factor);
    }
}
