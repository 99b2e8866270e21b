namespace ImageClassifier.Models.Layers;

/// <summary>Channel counts for width-scaled networks (MobileNet's <c>make_divisible</c>).</summary>
public static class ChannelRounding
{
    /// <summary>
    /// Rounds <paramref name="value"/> to the nearest multiple of <paramref name="divisor"/>
    /// (halves round up), at least <paramref name="minValue"/> (the divisor when null); when that
    /// lands below <paramref name="minRatio"/> * <paramref name="value"/>, one more divisor is added.
    /// 32 * 0.5 with divisor 8 is 16; 24 * 0.35 (8.4) is 8; 96 * 0.75 (72) stays 72.
    /// </summary>
    public static int MakeDivisible(double value, int divisor, int? minValue = null, double minRatio = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(divisor, 1);
        var floor = minValue ?? divisor;
        var rounded = (int)(value + divisor / 2.0) / divisor * divisor;
        var result = Math.Max(floor, rounded);
        return result < minRatio * value ? result + divisor : result;
    }
}
