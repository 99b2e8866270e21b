using ImageClassifier;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace TrainingExtras.Transforms;

/// <summary>
/// mmpretrain's RandomErasing (Zhong et al., 2017): with probability <c>erase_prob</c>, fills one
/// rectangle of random area (a fraction <c>min_area_ratio</c> to <c>max_area_ratio</c> of the
/// image) and random aspect ratio (log-uniform in <c>aspect_range</c>) with a constant colour
/// (<c>mode: "const"</c>) or with random pixels (<c>mode: "rand"</c>).
/// </summary>
[RegisterModel]
public sealed partial class RandomErasing : Transform
{
    private readonly double eraseProb;
    private readonly double minAreaRatio;
    private readonly double maxAreaRatio;
    private readonly double logAspectLow;
    private readonly double logAspectHigh;
    private readonly bool randomFill;
    private readonly byte[] fillColor;

    /// <summary>Creates the transform.</summary>
    /// <param name="eraseProb">The probability of erasing, 0 to 1.</param>
    /// <param name="minAreaRatio">The smallest erased area, as a fraction of the image.</param>
    /// <param name="maxAreaRatio">The largest erased area, as a fraction of the image.</param>
    /// <param name="aspectRange">The smallest and largest aspect ratio (height / width) of the rectangle.</param>
    /// <param name="mode">"const" fills with fill_color, "rand" with uniformly random pixels.</param>
    /// <param name="fillColor">The constant colour per channel (one value is used for every channel).</param>
    public RandomErasing(
        [ValueRange(0, 1)] double eraseProb = 0.5,
        [ValueRange(0, 1)] double minAreaRatio = 0.02,
        [ValueRange(0, 1)] double maxAreaRatio = 0.4,
        double[]? aspectRange = null,
        [OneOf("const", "rand")] string mode = "const",
        int[]? fillColor = null)
    {
        aspectRange ??= [0.3, 1 / 0.3];
        fillColor ??= [128, 128, 128];
        if (!(eraseProb >= 0 && eraseProb <= 1))
        {
            throw new ConfigValueException("erase_prob", eraseProb, "between 0 and 1");
        }

        if (!(minAreaRatio > 0 && minAreaRatio <= maxAreaRatio && maxAreaRatio <= 1))
        {
            throw new ConfigValueException("max_area_ratio", maxAreaRatio, $"at least min_area_ratio ({minAreaRatio}) and at most 1, with min_area_ratio above 0");
        }

        if (aspectRange.Length != 2 || !(aspectRange[0] > 0 && aspectRange[0] <= aspectRange[1]))
        {
            throw new ConfigValueException("aspect_range", aspectRange, "two positive numbers [low, high] with low <= high");
        }

        if (mode is not ("const" or "rand"))
        {
            throw new ConfigValueException("mode", mode, "\"const\" or \"rand\"");
        }

        if (fillColor.Length == 0 || fillColor.Any(value => value is < 0 or > 255))
        {
            throw new ConfigValueException("fill_color", fillColor, "one to three values from 0 to 255");
        }

        this.eraseProb = eraseProb;
        this.minAreaRatio = minAreaRatio;
        this.maxAreaRatio = maxAreaRatio;
        logAspectLow = Math.Log(aspectRange[0]);
        logAspectHigh = Math.Log(aspectRange[1]);
        randomFill = mode == "rand";
        this.fillColor = [.. fillColor.Select(value => (byte)value)];
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() >= eraseProb)
        {
            return sample;
        }

        var image = sample.Image;

        // mmpretrain draws until a rectangle fits; ten tries keep a degenerate image from looping.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var area = image.Height * image.Width * (minAreaRatio + (random.NextDouble() * (maxAreaRatio - minAreaRatio)));
            var aspect = Math.Exp(logAspectLow + (random.NextDouble() * (logAspectHigh - logAspectLow)));
            var height = (int)Math.Round(Math.Sqrt(area * aspect));
            var width = (int)Math.Round(Math.Sqrt(area / aspect));
            if (height < 1 || width < 1 || height > image.Height || width > image.Width)
            {
                continue;
            }

            var top = random.Next(image.Height - height + 1);
            var left = random.Next(image.Width - width + 1);
            return sample with { Image = Erase(image, top, left, height, width, random) };
        }

        return sample;
    }

    private ImageData Erase(ImageData image, int top, int left, int height, int width, Random random)
    {
        var pixels = (byte[])image.Pixels.Clone();
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var fill = fillColor[Math.Min(channel, fillColor.Length - 1)];
            for (var y = top; y < top + height; y++)
            {
                var row = ((channel * image.Height) + y) * image.Width;
                for (var x = left; x < left + width; x++)
                {
                    pixels[row + x] = randomFill ? (byte)random.Next(256) : fill;
                }
            }
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }
}
