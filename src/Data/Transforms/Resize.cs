namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmcv's <c>Resize</c>: to a fixed <c>scale</c> (width, height), or by <c>scale_factor</c>. With
/// <c>keep_ratio</c> the image is scaled as large as fits within the long and short sides of
/// <c>scale</c> without changing its aspect ratio (mmcv's <c>imrescale</c>).
/// </summary>
[RegisterModel]
public sealed class Resize : ResizeTransform
{
    private readonly int[]? scale;
    private readonly double? scaleFactor;
    private readonly bool keepRatio;

    /// <summary>Creates the transform; exactly one of <paramref name="scale"/> and <paramref name="scaleFactor"/> is given.</summary>
    /// <param name="scale">The target size as [width, height], or [side] for a square.</param>
    /// <param name="scaleFactor">The factor both sides are multiplied by.</param>
    /// <param name="keepRatio">Keep the aspect ratio, fitting the image within scale's long and short sides.</param>
    /// <param name="interpolation">"bilinear", "bicubic" or "nearest".</param>
    public Resize(
        [ValueRange(Minimum = 1)] int[]? scale = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double? scaleFactor = null,
        bool keepRatio = false,
        Interpolation interpolation = Interpolation.Bilinear)
        : base(interpolation)
    {
        if ((scale is null) == (scaleFactor is null))
        {
            throw new ConfigValueException("scale", scale, "given, or scale_factor given instead (exactly one of them)");
        }

        if (scale is not null && (scale.Length is not (1 or 2) || scale.Any(side => side < 1)))
        {
            throw new ConfigValueException("scale", scale, "[width, height] or [side], each at least 1");
        }

        if (scaleFactor is { } factor && !(factor > 0))
        {
            throw new ConfigValueException("scale_factor", factor, "greater than 0");
        }

        this.scale = scale is null ? null : [.. scale];
        this.scaleFactor = scaleFactor;
        this.keepRatio = keepRatio;
    }

    /// <inheritdoc />
    public override (int Height, int Width) TargetSize(int height, int width)
    {
        if (scaleFactor is { } factor)
        {
            return (Round(height * factor), Round(width * factor));
        }

        var targetWidth = scale![0];
        var targetHeight = scale.Length == 2 ? scale[1] : scale[0];
        if (!keepRatio)
        {
            return (targetHeight, targetWidth);
        }

        double longEdge = Math.Max(targetWidth, targetHeight);
        double shortEdge = Math.Min(targetWidth, targetHeight);
        var ratio = Math.Min(longEdge / Math.Max(height, width), shortEdge / Math.Min(height, width));
        return (Round(height * ratio), Round(width * ratio));
    }

    private static int Round(double size) => Math.Max(1, (int)(size + 0.5));
}
