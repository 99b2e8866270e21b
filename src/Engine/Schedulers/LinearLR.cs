namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// mmengine's <c>LinearLR</c>: multiplies the learning rate by a factor that moves linearly from
/// <c>start_factor</c> at <c>begin</c> to <c>end_factor</c> at <c>end</c> - 1; the usual warm-up.
/// </summary>
[RegisterModel]
public sealed class LinearLR : ParamScheduler
{
    private readonly double startFactor;
    private readonly double endFactor;
    private int totalIterations;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="startFactor">The factor at the first step, in (0, 1].</param>
    /// <param name="endFactor">The factor at the last step, in [0, 1].</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's end when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Change the rate every iteration over the same epoch range.</param>
    public LinearLR(
        [ValueRange(0, 1, MinimumExclusive = true)] double startFactor = 1.0 / 3,
        [ValueRange(0, 1)] double endFactor = 1.0,
        [ValueRange(Minimum = 0)] int begin = 0,
        int? end = null,
        bool byEpoch = true,
        bool convertToIterBased = false)
        : base(begin, end, byEpoch, convertToIterBased)
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
            return [.. current.Select(value => value * startFactor)];
        }

        var change = endFactor - startFactor;
        var factor = 1.0 + (change / ((totalIterations * startFactor) + ((LastStep - 1) * change)));
        return [.. current.Select(value => value * factor)];
    }
}
