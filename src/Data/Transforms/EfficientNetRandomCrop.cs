using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>EfficientNetRandomCrop</c> (TensorFlow EfficientNet's training crop, as
/// fast-autoaugment writes it): an aspect ratio uniform in <c>aspect_ratio_range</c>, a height
/// uniform between those that give <c>crop_ratio_range</c> of the area, kept when the crop fits and
/// covers at least <c>min_covered</c>; after <c>max_attempts</c> misses, EfficientNet's central
/// crop. The crop is resized to <c>scale</c> x <c>scale</c>.
/// </summary>
[RegisterModel]
public sealed class EfficientNetRandomCrop : Transform
{
    private readonly int scale;
    private readonly double minCovered;
    private readonly int cropPadding;
    private readonly Interpolation interpolation;
    private readonly double[] cropRatioRange;
    private readonly double[] aspectRatioRange;
    private readonly int maxAttempts;

    /// <summary>Creates the transform.</summary>
    /// <param name="scale">The side of the square output, in pixels (mmpretrain takes only an int).</param>
    /// <param name="minCovered">The smallest fraction of the image's area a random crop may cover.</param>
    /// <param name="cropPadding">The padding of the fallback central crop's ratio, scale / (scale + crop_padding).</param>
    /// <param name="interpolation">"bicubic", "bilinear" or "nearest".</param>
    /// <param name="cropRatioRange">The [min, max] fraction of the image's area that a crop covers.</param>
    /// <param name="aspectRatioRange">The [min, max] width / height of a crop.</param>
    /// <param name="maxAttempts">Random draws before falling back to the central crop.</param>
    /// <param name="backend">mmpretrain's resize backend, "cv2" or "pillow"; both resize as OpenCV does here.</param>
    public EfficientNetRandomCrop(
        [ValueRange(Minimum = 1)] int scale,
        [ValueRange(Minimum = 0)] double minCovered = 0.1,
        [ValueRange(Minimum = 0)] int cropPadding = 32,
        Interpolation interpolation = Interpolation.Bicubic,
        [DefaultItems(0.08, 1.0)][ValueRange(Minimum = 0)] double[]? cropRatioRange = null,
        [DefaultItems(0.75, 1.3333333333333333)][ValueRange(Minimum = 0, MinimumExclusive = true)] double[]? aspectRatioRange = null,
        [ValueRange(Minimum = 0)] int maxAttempts = 10,
        [OneOf("cv2", "pillow")] string backend = "cv2")
    {
        cropRatioRange ??= [0.08, 1.0];
        aspectRatioRange ??= [3.0 / 4.0, 4.0 / 3.0];
        if (scale < 1)
        {
            throw new ConfigValueException("scale", scale, "at least 1");
        }

        if (!(minCovered >= 0))
        {
            throw new ConfigValueException("min_covered", minCovered, "0 or more");
        }

        if (cropPadding < 0)
        {
            throw new ConfigValueException("crop_padding", cropPadding, "0 or more");
        }

        if (cropRatioRange.Length != 2 || !(cropRatioRange[0] >= 0 && cropRatioRange[0] <= cropRatioRange[1]))
        {
            throw new ConfigValueException("crop_ratio_range", cropRatioRange, "a [min, max] pair with 0 <= min <= max");
        }

        if (aspectRatioRange.Length != 2 || !(aspectRatioRange[0] > 0 && aspectRatioRange[0] <= aspectRatioRange[1]))
        {
            throw new ConfigValueException("aspect_ratio_range", aspectRatioRange, "a [min, max] pair with 0 < min <= max");
        }

        if (maxAttempts < 0)
        {
            throw new ConfigValueException("max_attempts", maxAttempts, "0 or more");
        }

        if (backend is not ("cv2" or "pillow"))
        {
            throw new ConfigValueException("backend", backend, "\"cv2\" or \"pillow\"");
        }

        this.scale = scale;
        this.minCovered = minCovered;
        this.cropPadding = cropPadding;
        this.interpolation = interpolation;
        this.cropRatioRange = [.. cropRatioRange];
        this.aspectRatioRange = [.. aspectRatioRange];
        this.maxAttempts = maxAttempts;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        var image = sample.Image;
        var (top, left, height, width) = CropBox(image.Height, image.Width, random);
        var cropped = ImageOps.Crop(image, top, left, height, width);
        return sample with { Image = ImageOps.Resize(cropped, scale, scale, interpolation) };
    }

    private (int Top, int Left, int Height, int Width) CropBox(int height, int width, Random random)
    {
        double area = height * width;
        var minArea = cropRatioRange[0] * area;
        var maxArea = cropRatioRange[1] * area;
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            var aspectRatio = RandomDraws.Uniform(random, aspectRatioRange[0], aspectRatioRange[1]);
            var minHeight = RoundHalfEven(Math.Sqrt(minArea / aspectRatio));
            var maxHeight = RoundHalfEven(Math.Sqrt(maxArea / aspectRatio));
            if (maxHeight * aspectRatio > width)
            {
                maxHeight = (int)((width + 0.5 - 1e-7) / aspectRatio);
                if (maxHeight * aspectRatio > width)
                {
                    maxHeight--;
                }
            }

            maxHeight = Math.Min(maxHeight, height);
            minHeight = Math.Min(maxHeight, minHeight);
            var targetHeight = RoundHalfEven(RandomDraws.Uniform(random, minHeight, maxHeight));
            var targetWidth = RoundHalfEven(targetHeight * aspectRatio);
            double targetArea = targetHeight * targetWidth;
            if (targetArea < minArea || targetArea > maxArea || targetWidth > width || targetHeight > height
                || targetArea < minCovered * area || targetHeight < 1 || targetWidth < 1)
            {
                continue;
            }

            var top = random.Next(0, height - targetHeight + 1);
            var left = random.Next(0, width - targetWidth + 1);
            return (top, left, targetHeight, targetWidth);
        }

        return EfficientNetCenterCrop.CentralBox(height, width, scale, cropPadding);
    }

    private static int RoundHalfEven(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
