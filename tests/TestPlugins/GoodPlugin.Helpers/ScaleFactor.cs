namespace GoodPlugin.Helpers;

/// <summary>Checks and describes the scale factor of GoodPlugin's neck.</summary>
public static class ScaleFactor
{
    /// <summary>Returns <paramref name="scale"/> when it is a finite, positive number.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is zero, negative, infinite or NaN.</exception>
    public static double Validate(double scale)
    {
        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be a finite, positive number.");
        }

        return scale;
    }
}
