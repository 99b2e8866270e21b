namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>ConstantParamScheduler</c>, the formula of <see cref="ConstantLR"/> and
/// <see cref="ConstantMomentum"/>: multiplies the setting by <c>factor</c> at <c>begin</c> and
/// divides it back at <c>end</c> - 1, holding it in between.
/// </summary>
public abstract class ConstantParamScheduler : ParamScheduler
{
    private readonly double factor;
    private int totalIterations;

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
