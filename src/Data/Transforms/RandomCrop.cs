using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>RandomCrop</c>: pads the image (optionally), then cuts a square of
/// <c>crop_size</c> at a uniformly random position. CIFAR-style training uses it with padding 4.
/// </summary>
[RegisterModel]
public sealed class RandomCrop : Transform
{
    private readonly int cropSize;
    private readonly int padding;
    private readonly bool padIfNeeded;
    private readonly double padVal;
    private readonly PaddingMode paddingMode;

    /// <summary>Creates the transform.</summary>
    /// <param name="cropSize">The side of the square crop, in pixels (mmpretrain's int form; the (h, w) form is not supported).</param>
    /// <param name="padding">Pixels added on every border before cropping; none when null.</param>
    /// <param name="padIfNeeded">Pad an image smaller than the crop (evenly on both sides) instead of failing.</param>
    /// <param name="padVal">The fill of constant padding, 0 to 255.</param>
    /// <param name="paddingMode">How padding is filled: "constant", "edge", "reflect" or "symmetric".</param>
    public RandomCrop(
        [ValueRange(Minimum = 1)] int cropSize,
        [ValueRange(Minimum = 0)] int? padding = null,
        bool padIfNeeded = false,
        [ValueRange(0, 255)] double padVal = 0,
        PaddingMode paddingMode = PaddingMode.Constant)
    {
        if (cropSize < 1)
        {
            throw new ConfigValueException("crop_size", cropSize, "at least 1");
        }

        if (padding < 0)
        {
            throw new ConfigValueException("padding", padding, "0 or more");
        }

        this.cropSize = cropSize;
        this.padding = padding ?? 0;
        this.padIfNeeded = padIfNeeded;
        this.padVal = padVal;
        this.paddingMode = paddingMode;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        var image = ImageOps.Pad(sample.Image, padding, padding, padding, padding, paddingMode, padVal);
        if (padIfNeeded)
        {
            var padHeight = (int)Math.Ceiling(Math.Max(0, cropSize - image.Height) / 2.0);
            var padWidth = (int)Math.Ceiling(Math.Max(0, cropSize - image.Width) / 2.0);
            image = ImageOps.Pad(image, padWidth, padHeight, padWidth, padHeight, paddingMode, padVal);
        }

        if (image.Height < cropSize || image.Width < cropSize)
        {
            throw new InvalidOperationException(
                $"RandomCrop cannot cut {cropSize}x{cropSize} from the {image.Height}x{image.Width} image of {sample.Source}; set pad_if_needed or a smaller crop_size.");
        }

        var top = random.Next(0, image.Height - cropSize + 1);
        var left = random.Next(0, image.Width - cropSize + 1);
        return sample with { Image = ImageOps.Crop(image, top, left, cropSize, cropSize) };
    }
}
