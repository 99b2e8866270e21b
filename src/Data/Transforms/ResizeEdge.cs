namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>ResizeEdge</c>: scales the image so that one side (the short one by default)
/// becomes <c>scale</c> pixels, keeping the aspect ratio; the other side is truncated to whole
/// pixels as mmpretrain does. ImageNet test pipelines pair it with <see cref="CenterCrop"/>.
/// </summary>
[RegisterModel]
public sealed class ResizeEdge : ResizeTransform
{
    private readonly int scale;
    private readonly ResizeEdgeKind edge;

    /// <summary>Creates the transform.</summary>
    /// <param name="scale">The length the chosen side is resized to, in pixels.</param>
    /// <param name="edge">"short", "long", "width" or "height".</param>
    /// <param name="interpolation">"bilinear", "bicubic" or "nearest".</param>
    public ResizeEdge(
        [ValueRange(Minimum = 1)] int scale,
        ResizeEdgeKind edge = ResizeEdgeKind.Short,
        Interpolation interpolation = Interpolation.Bilinear)
        : base(interpolation)
    {
        if (scale < 1)
        {
            throw new ConfigValueException("scale", scale, "at least 1");
        }

        this.scale = scale;
        this.edge = edge;
    }

    /// <inheritdoc />
    public override (int Height, int Width) TargetSize(int height, int width)
    {
        var setsWidth = edge switch
        {
            ResizeEdgeKind.Short => width < height,
            ResizeEdgeKind.Long => width > height,
            ResizeEdgeKind.Width => true,
            _ => false,
        };

        // A side of an extreme aspect ratio can truncate to 0; an image keeps at least one pixel.
        return setsWidth
            ? (Math.Max(1, (int)((double)scale * height / width)), scale)
            : (scale, Math.Max(1, (int)((double)scale * width / height)));
    }
}
