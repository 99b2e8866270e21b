using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>RandomResizedCrop</c>: cuts a region of random area (a fraction
/// <c>crop_ratio_range</c> of the image) and random aspect ratio (log-uniform in
/// <c>aspect_ratio_range</c>), then resizes it to a <c>scale</c> x <c>scale</c> square. After
/// <c>max_attempts</c> draws that do not fit, it takes the largest central crop within the ratio range.
/// </summary>
[RegisterModel]
public sealed class RandomResizedCrop : Transform
{
    private readonly int scale;
    private readonly double[] cropRatioRange;
    private readonly double[] aspectRatioRange;
    private readonly int maxAttempts;
    private readonly Interpolation interpolation;

    /// <summary>Creates the transform.</summary>
    /// <param name="scale">The side of the square output, in pixels (mmpretrain's int form).</param>
    /// <param name="cropRatioRange">The [min, max] fraction of the image's area that the crop covers.</param>
    /// <param name="aspectRatioRange">The [min, max] width / height of the crop.</param>
    /// <param name="maxAttempts">Random draws before falling back to a central crop.</param>
    /// <param name="interpolation">"bilinear", "bicubic" or "nearest".</param>
    /// <param name="backend">mmpretrain's resize backend, "cv2" or "pillow"; both resize as OpenCV does here.</param>
    public RandomResizedCrop(
        [ValueRange(Minimum = 1)] int scale,
        [DefaultItems(0.08, 1.0)][ValueRange(0, 1, MinimumExclusive = true)] double[]? cropRatioRange = null,
        [DefaultItems(0.75, 1.3333333333333333)][ValueRange(Minimum = 0, MinimumExclusive = true)] double[]? aspectRatioRange = null,
        [ValueRange(Minimum = 0)] int maxAttempts = 10,
        Interpolation interpolation = Interpolation.Bilinear,
        [OneOf("cv2", "pillow")] string backend = "cv2")
    {
        cropRatioRange ??= [0.08, 1.0];
        aspectRatioRange ??= [3.0 / 4.0, 4.0 / 3.0];
        if (scale < 1)
        {
            throw new ConfigValueException("scale", scale, "at least 1");
        }

        CheckRange("crop_ratio_range", cropRatioRange);
        CheckRange("aspect_ratio_range", aspectRatioRange);
        if (maxAttempts < 0)
        {
            throw new ConfigValueException("max_attempts", maxAttempts, "0 or more");
        }

        if (backend is not ("cv2" or "pillow"))
        {
            throw new ConfigValueException("backend", backend, "\"cv2\" or \"pillow\"");
        }

        this.scale = scale;
        this.cropRatioRange = [.. cropRatioRange];
        this.aspectRatioRange = [.. aspectRatioRange];
        this.maxAttempts = maxAttempts;
        this.interpolation = interpolation;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        var image = sample.Image;
        var (top, left, height, width) = CropParameters(image.Height, image.Width, random);
        var cropped = ImageOps.Crop(image, top, left, height, width);
        return sample with { Image = ImageOps.Resize(cropped, scale, scale, interpolation) };
    }

    private (int Top, int Left, int Height, int Width) CropParameters(int height, int width, Random random)
    {
        double area = height * width;
        var logLow = Math.Log(aspectRatioRange[0]);
        var logHigh = Math.Log(aspectRatioRange[1]);
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            var targetArea = RandomDraws.Uniform(random, cropRatioRange[0], cropRatioRange[1]) * area;
            var aspectRatio = Math.Exp(RandomDraws.Uniform(random, logLow, logHigh));
            var targetWidth = (int)Math.Round(Math.Sqrt(targetArea * aspectRatio), MidpointRounding.ToEven);
            var targetHeight = (int)Math.Round(Math.Sqrt(targetArea / aspectRatio), MidpointRounding.ToEven);
            if (targetWidth > 0 && targetWidth <= width && targetHeight > 0 && targetHeight <= height)
            {
                var top = random.Next(0, height - targetHeight + 1);
                var left = random.Next(0, width - targetWidth + 1);
                return (top, left, targetHeight, targetWidth);
            }
        }

        // The fallback: the whole image, narrowed to the nearest allowed aspect ratio.
        var ratio = (double)width / height;
        int cropWidth = width;
        int cropHeight = height;
        if (ratio < aspectRatioRange.Min())
        {
            cropHeight = Math.Max(1, (int)Math.Round(cropWidth / aspectRatioRange.Min(), MidpointRounding.ToEven));
        }
        else if (ratio > aspectRatioRange.Max())
        {
            cropWidth = Math.Max(1, (int)Math.Round(cropHeight * aspectRatioRange.Max(), MidpointRounding.ToEven));
        }

        return ((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    private static void CheckRange(string member, double[] range)
    {
        if (range.Length != 2)
        {
            throw new ConfigValueException(member, range, "a [min, max] pair");
        }

        if (!(range[0] > 0) || range[0] > range[1])
        {
            throw new ConfigValueException(member, range, "a [min, max] pair with 0 < min <= max");
        }
    }
}
