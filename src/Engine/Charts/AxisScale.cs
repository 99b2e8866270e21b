using System.Globalization;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// An axis over "nice" values: its ticks are whole multiples of a step that is 1, 2 or 5 times a
/// power of ten, and its ends are the multiples just outside the data, so the data fills the axis
/// and every tick label is short.
/// </summary>
public sealed class AxisScale
{
    private static readonly double[] NiceFactors = [1, 2, 5];

    private readonly int decimals;

    private AxisScale(long firstIndex, long lastIndex, double step, int decimals)
    {
        this.decimals = decimals;
        Step = step;
        Ticks = [.. Enumerable.Range(0, checked((int)(lastIndex - firstIndex + 1))).Select(offset => Snap((firstIndex + offset) * step))];
        Minimum = Ticks[0];
        Maximum = Ticks[^1];
    }

    /// <summary>The lowest value on the axis, the first tick.</summary>
    public double Minimum { get; }

    /// <summary>The highest value on the axis, the last tick.</summary>
    public double Maximum { get; }

    /// <summary>The distance between ticks.</summary>
    public double Step { get; }

    /// <summary>The tick values from <see cref="Minimum"/> to <see cref="Maximum"/>.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>
    /// The axis with the smallest nice step, and at least <paramref name="minimumStep"/> (1 for
    /// counts such as epochs), whose ticks cover [<paramref name="minimum"/>, <paramref name="maximum"/>]
    /// in at most <paramref name="maxIntervals"/> intervals. A range of one value is widened around
    /// it (to [-1, 1] for zero, else by a tenth of the value each way).
    /// </summary>
    public static AxisScale Nice(double minimum, double maximum, int maxIntervals = 5, double minimumStep = 0)
    {
        if (!double.IsFinite(minimum) || !double.IsFinite(maximum))
        {
            throw new ArgumentException($"An axis needs finite limits, not [{minimum}, {maximum}].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxIntervals, 1);
        if (minimum > maximum)
        {
            (minimum, maximum) = (maximum, minimum);
        }

        if (maximum - minimum <= Math.Abs(maximum) * 1e-12)
        {
            var pad = minimum == 0 ? 1 : Math.Abs(minimum) * 0.1;
            minimum -= pad;
            maximum += pad;
        }

        var exponent = (int)Math.Floor(Math.Log10((maximum - minimum) / maxIntervals));
        var factor = 0;
        while (true)
        {
            var step = NiceFactors[factor] * Math.Pow(10, exponent);
            // The tolerance keeps a limit that is a multiple of the step up to rounding (0.3 / 0.1) on its tick.
            var first = (long)Math.Floor((minimum / step) + 1e-9);
            var last = (long)Math.Ceiling((maximum / step) - 1e-9);
            if (last - first <= maxIntervals && step >= minimumStep * (1 - 1e-12))
            {
                return new AxisScale(first, last, step, Math.Max(0, -exponent));
            }

            factor++;
            if (factor == NiceFactors.Length)
            {
                factor = 0;
                exponent++;
            }
        }
    }

    /// <summary>Where <paramref name="value"/> lies on the axis: 0 at <see cref="Minimum"/>, 1 at <see cref="Maximum"/>.</summary>
    public double Fraction(double value) => (value - Minimum) / (Maximum - Minimum);

    /// <summary>
    /// A tick label: as many decimals as the step has ("0.25" is never a tick, "0.2" is), or the
    /// exponent form ("5E-05") where that would take more than four decimals.
    /// </summary>
    public string Format(double value)
    {
        if (decimals <= 4 && Math.Abs(value) < 1e7)
        {
            return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return value == 0 ? "0" : value.ToString("0.###E+00", CultureInfo.InvariantCulture);
    }

    // i * 0.1 is 0.30000000000000004 for i = 3; the tick is 0.3.
    private double Snap(double value)
    {
        // Math.Round takes at most 15 decimals; a step that small is left as computed.
        var snapped = decimals <= 15 ? Math.Round(value, decimals) : value;
        return snapped == 0 ? 0 : snapped;
    }
}
