using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>mmcv's <c>CenterCrop</c>: the central <c>crop_size</c> x <c>crop_size</c> square; a smaller image is padded first with <c>auto_pad</c>, else cropped to what it has.</summary>
[RegisterModel]
public sealed class CenterCrop : Transform
{
    private readonly int cropSize;
    private readonly bool autoPad;

    /// <summary>Creates the transform.</summary>
    /// <param name="cropSize">The side of the square crop (mmcv's int form).</param>
    /// <param name="autoPad">Pad an image smaller than the crop with zeros (bottom and right) so that the output is always crop_size.</param>
    public CenterCrop([ValueRange(Minimum = 1)] int cropSize, bool autoPad = false)
    {
        if (cropSize < 1)
        {
            throw new ConfigValueException("crop_size", cropSize, "at least 1");
        }

        this.cropSize = cropSize;
        this.autoPad = autoPad;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var image = sample.Image;
        if (autoPad)
        {
            image = ImageOps.Pad(image, 0, 0, Math.Max(0, cropSize - image.Width), Math.Max(0, cropSize - image.Height));
        }

        var height = Math.Min(cropSize, image.Height);
        var width = Math.Min(cropSize, image.Width);
        var top = Math.Max(0, (image.Height - height) / 2);
        var left = Math.Max(0, (image.Width - width) / 2);
        return sample with { Image = ImageOps.Crop(image, top, left, height, width) };
    }
}
