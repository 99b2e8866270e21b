namespace ImageClassifier.Data.Images;

/// <summary>
/// Pillow's conversions between 8-bit RGB and HSV (its <c>rgb2hsv</c> and <c>hsv2rgb</c>, after
/// Python's colorsys), step by step in the same mix of float32 and double, so that a hue shift
/// round-trips to the bytes Pillow gives.
/// </summary>
internal static class PillowHsv
{
    /// <summary>Hue, saturation and value (each 0-255) of one RGB pixel.</summary>
    public static void FromRgb(ReadOnlySpan<byte> rgb, Span<byte> hsv)
    {
        var (red, green, blue) = (rgb[0], rgb[1], rgb[2]);
        var max = Math.Max(red, Math.Max(green, blue));
        var min = Math.Min(red, Math.Min(green, blue));
        hsv[2] = max;
        if (min == max)
        {
            hsv[0] = 0;
            hsv[1] = 0;
            return;
        }

        float range = max - min;
        var saturation = range / max;
        var redDistance = (max - red) / range;
        var greenDistance = (max - green) / range;
        var blueDistance = (max - blue) / range;
        float hue = red == max ? blueDistance - greenDistance
            : green == max ? (float)(2.0 + redDistance - blueDistance)
            : (float)(4.0 + greenDistance - redDistance);
        hue = (float)(((hue / 6.0) + 1.0) % 1.0);
        hsv[0] = Clip((int)(hue * 255.0));
        hsv[1] = Clip((int)(saturation * 255.0));
    }

    /// <summary>The RGB pixel of one HSV triple (each 0-255).</summary>
    public static void ToRgb(ReadOnlySpan<byte> hsv, Span<byte> rgb)
    {
        var (hue, saturation, value) = (hsv[0], hsv[1], hsv[2]);
        if (saturation == 0)
        {
            rgb[0] = rgb[1] = rgb[2] = value;
            return;
        }

        var sector = (int)Math.Floor((float)hue * 6.0 / 255.0);
        var fraction = (float)(((float)hue * 6.0 / 255.0) - (float)sector);
        var share = (float)((float)saturation / 255.0);
        var p = Clip(RoundHalfAway((float)value * (1.0 - share)));
        var q = Clip(RoundHalfAway((float)value * (1.0 - (share * fraction))));
        var t = Clip(RoundHalfAway((float)value * (1.0 - (share * (1.0 - fraction)))));
        (rgb[0], rgb[1], rgb[2]) = (sector % 6) switch
        {
            0 => (value, t, p),
            1 => (q, value, p),
            2 => (p, value, t),
            3 => (p, q, value),
            4 => (t, p, value),
            _ => (value, p, q),
        };
    }

    private static int RoundHalfAway(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);

    private static byte Clip(int value) => value <= 0 ? (byte)0 : value < 256 ? (byte)value : (byte)255;
}
