using ImageClassifier.Engine.Charts;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

public sealed class AxisScaleTests
{
    // Worked by hand: the rough step is the range over the intervals allowed; the nice step is the
    // first of 1, 2, 5 x 10^k at least as large whose multiples around the data need no more intervals.
    [Theory]
    [InlineData(0, 1, 5, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]                 // rough 0.2 -> 0.2
    [InlineData(0.13, 2.71, 6, new[] { 0, 0.5, 1, 1.5, 2, 2.5, 3 })]          // rough 0.43 -> 0.5; 0 .. 3
    [InlineData(-3, 17, 5, new[] { -5.0, 0, 5, 10, 15, 20 })]                 // rough 4 -> 5; -5 .. 20
    [InlineData(1, 9, 4, new[] { 0.0, 5, 10 })]                                // 2 needs 0 .. 10 = 5 intervals; 5 needs 2
    [InlineData(0.0005, 0.05, 5, new[] { 0, 0.01, 0.02, 0.03, 0.04, 0.05 })]  // rough 0.0099 -> 0.01
    [InlineData(97.2, 97.9, 5, new[] { 97.2, 97.4, 97.6, 97.8, 98 })]         // rough 0.14 -> 0.2; 97.2 is on a tick
    [InlineData(2, 16, 5, new[] { 0.0, 5, 10, 15, 20 })]                       // rough 2.8 -> 5
    [InlineData(0.3, 0.9, 3, new[] { 0, 0.5, 1 })]                             // rough 0.2, but 0.2 needs 0.2 .. 1 = 4 intervals
    public void Ticks_are_nice_multiples_that_cover_the_data(double minimum, double maximum, int maxIntervals, double[] expected)
    {
        var scale = AxisScale.Nice(minimum, maximum, maxIntervals);

        Assert.Equal(expected, scale.Ticks);
        Assert.Equal(expected[0], scale.Minimum);
        Assert.Equal(expected[^1], scale.Maximum);
    }

    [Theory]
    [InlineData(5, 5, new[] { 4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6 }, 6)]
    [InlineData(0, 0, new[] { -1.0, -0.5, 0, 0.5, 1 }, 5)]
    public void A_single_value_gets_an_axis_around_it(double minimum, double maximum, double[] expected, int maxIntervals)
    {
        Assert.Equal(expected, AxisScale.Nice(minimum, maximum, maxIntervals).Ticks);
    }

    [Fact]
    public void Random_ranges_always_get_a_covering_axis_of_nice_steps()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 2000; trial++)
        {
            var magnitude = Math.Pow(10, random.Next(-8, 8));
            var a = (random.NextDouble() - 0.3) * magnitude;
            var b = a + (random.NextDouble() * magnitude);
            var intervals = random.Next(2, 9);

            var scale = AxisScale.Nice(a, b, intervals);

            // Within rounding: a limit a billionth of a step off a tick counts as on it.
            var slack = scale.Step * 1e-9;
            Assert.True(scale.Minimum <= a + slack && scale.Maximum >= b - slack, $"[{a}, {b}] -> [{scale.Minimum}, {scale.Maximum}]");
            Assert.InRange(scale.Ticks.Count - 1, 1, intervals);
            var mantissa = scale.Step / Math.Pow(10, Math.Floor(Math.Log10(scale.Step) + 1e-9));
            Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2, 5 });
            Assert.All(scale.Ticks, tick => Assert.True(Math.Abs((tick / scale.Step) - Math.Round(tick / scale.Step)) < 1e-6, $"{tick} is not a multiple of {scale.Step}"));
            // The axis is no wider than needed: one step less at either end would cut off data.
            Assert.True(scale.Minimum + scale.Step > a && scale.Maximum - scale.Step < b);
        }
    }

    [Theory]
    [InlineData(1, 2, new[] { 1.0, 2 })]
    [InlineData(1, 1, new[] { 0.0, 1, 2 })]
    [InlineData(3, 40, new[] { 0.0, 10, 20, 30, 40 })]
    public void A_minimum_step_keeps_counted_axes_on_whole_numbers(double minimum, double maximum, double[] expected)
    {
        Assert.Equal(expected, AxisScale.Nice(minimum, maximum, minimumStep: 1).Ticks);
    }

    [Fact]
    public void Labels_show_the_step_s_decimals_or_an_exponent_when_tiny()
    {
        var tenths = AxisScale.Nice(0, 1, 5);
        var thousands = AxisScale.Nice(0, 5000, 5);
        var tiny = AxisScale.Nice(0, 0.00005, 5);

        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], tenths.Ticks.Select(tenths.Format));
        Assert.Equal(["0", "1000", "2000", "3000", "4000", "5000"], thousands.Ticks.Select(thousands.Format));
        Assert.Equal("1E-05", tiny.Format(tiny.Ticks[1]));
        Assert.Equal(0.5, tenths.Fraction(0.5), 12);
    }

    [Fact]
    public void Limits_that_are_not_numbers_are_refused()
    {
        Assert.Throws<ArgumentException>(() => AxisScale.Nice(double.NaN, 1));
        Assert.Throws<ArgumentException>(() => AxisScale.Nice(0, double.PositiveInfinity));
    }
}
