using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>EfficientNetCenterCrop</c> (TensorFlow EfficientNet's evaluation crop): the
/// central square of side crop_size / (crop_size + crop_padding) times the short edge, cut as
/// mmcv's <c>imcrop</c> cuts a box with fractional corners, then resized to crop_size x crop_size.
/// </summary>
[RegisterModel]
public sealed class EfficientNetCenterCrop : Transform
{
    private readonly int cropSize;
    private readonly int cropPadding;
    private readonly Interpolation interpolation;

    /// <summary>Creates the transform.</summary>
    /// <param name="cropSize">The side of the square output, in pixels.</param>
    /// <param name="cropPadding">The padding of EfficientNet's crop ratio, crop_size / (crop_size + crop_padding).</param>
    /// <param name="interpolation">"bicubic", "bilinear" or "nearest".</param>
    /// <param name="backend">mmpretrain's resize backend, "cv2" or "pillow"; both resize as OpenCV does here.</param>
    public EfficientNetCenterCrop(
        [ValueRange(Minimum = 1)] int cropSize,
        [ValueRange(Minimum = 0)] int cropPadding = 32,
        Interpolation interpolation = Interpolation.Bicubic,
        [OneOf("cv2", "pillow")] string backend = "cv2")
    {
        if (cropSize < 1)
        {
            throw new ConfigValueException("crop_size", cropSize, "at least 1");
        }

        if (cropPadding < 0)
        {
            throw new ConfigValueException("crop_padding", cropPadding, "0 or more");
        }

        if (backend is not ("cv2" or "pillow"))
        {
            throw new ConfigValueException("backend", backend, "\"cv2\" or \"pillow\"");
        }

        this.cropSize = cropSize;
        this.cropPadding = cropPadding;
        this.interpolation = interpolation;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var image = sample.Image;
        var (top, left, height, width) = CentralBox(image.Height, image.Width, cropSize, cropPadding);
        var cropped = ImageOps.Crop(image, top, left, height, width);
        return sample with { Image = ImageOps.Resize(cropped, cropSize, cropSize, interpolation) };
    }

    /// <summary>
    /// The region EfficientNet's central crop keeps: a square of side <paramref name="size"/> /
    /// (<paramref name="size"/> + <paramref name="padding"/>) times the short edge, offset by the
    /// rounded half difference, its far corner truncated and clipped to the image as mmcv's
    /// <c>imcrop</c> does with a box of fractional corners.
    /// </summary>
    internal static (int Top, int Left, int Height, int Width) CentralBox(int height, int width, int size, int padding)
    {
        var side = (double)size / (size + padding) * Math.Min(height, width);
        var top = Math.Max(0, (int)Math.Round((height - side) / 2.0, MidpointRounding.ToEven));
        var left = Math.Max(0, (int)Math.Round((width - side) / 2.0, MidpointRounding.ToEven));
        var bottom = Math.Clamp((int)(top + side - 1), 0, height - 1);
        var right = Math.Clamp((int)(left + side - 1), 0, width - 1);
        top = Math.Min(top, height - 1);
        left = Math.Min(left, width - 1);
        return (top, left, Math.Max(1, bottom - top + 1), Math.Max(1, right - left + 1));
    }
}
