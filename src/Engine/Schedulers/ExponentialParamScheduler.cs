namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ExponentialParamScheduler</c>, the formula of <see cref="ExponentialLR"/> and
/// <see cref="ExponentialMomentum"/>: multiplies the setting by <c>gamma</c> at every step after the first.
/// </summary>
public abstract class ExponentialParamScheduler : ParamScheduler
{
    private readonly double gamma;

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
