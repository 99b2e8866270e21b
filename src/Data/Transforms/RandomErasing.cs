using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>RandomErasing</c> (Zhong et al., 2017): with probability <c>erase_prob</c>, one
/// rectangle of random area (a fraction <c>min_area_ratio</c> to <c>max_area_ratio</c> of the
/// image) and aspect ratio (log-uniform in <c>aspect_range</c>, height / width), cut at the
/// image's edges, is filled with <c>fill_color</c> (<c>mode</c> "const"), or with random values
/// ("rand": uniform 0-255, or normal around <c>fill_color</c> with <c>fill_std</c>).
/// </summary>
[RegisterModel]
public sealed class RandomErasing : Transform
{
    private readonly double eraseProb;
    private readonly double minAreaRatio;
    private readonly double maxAreaRatio;
    private readonly double logAspectLow;
    private readonly double logAspectHigh;
    private readonly bool randomFill;
    private readonly double[] fillColor;
    private readonly double[]? fillStd;

    /// <summary>Creates the transform.</summary>
    /// <param name="eraseProb">The probability of erasing, 0 to 1.</param>
    /// <param name="minAreaRatio">The smallest erased area, as a fraction of the image.</param>
    /// <param name="maxAreaRatio">The largest erased area, as a fraction of the image.</param>
    /// <param name="aspectRange">The [min, max] aspect ratio (height / width) of the rectangle, or one number a for [a, 1 / a].</param>
    /// <param name="mode">"const" fills with fill_color, "rand" with random values.</param>
    /// <param name="fillColor">The fill, one number for every channel or three (B, G, R for decoded files), truncated to integers. A grey image takes the first.</param>
    /// <param name="fillStd">With "rand", the standard deviation of a normal fill around fill_color, one number or three; null fills uniformly from 0 to 255.</param>
    public RandomErasing(
        [ValueRange(0, 1)] double eraseProb = 0.5,
        [ValueRange(0, 1)] double minAreaRatio = 0.02,
        [ValueRange(0, 1)] double maxAreaRatio = 0.4,
        [DefaultItems(0.3, 10.0 / 3)][ValueRange(Minimum = 0, MinimumExclusive = true)] double[]? aspectRange = null,
        [OneOf("const", "rand")] string mode = "const",
        [DefaultItems(128.0, 128.0, 128.0)][ValueRange(0, 255)] double[]? fillColor = null,
        [ValueRange(Minimum = 0)] double[]? fillStd = null)
    {
        if (!(eraseProb >= 0 && eraseProb <= 1))
        {
            throw new ConfigValueException("erase_prob", eraseProb, "between 0 and 1");
        }

        if (!(minAreaRatio >= 0 && minAreaRatio <= 1))
        {
            throw new ConfigValueException("min_area_ratio", minAreaRatio, "between 0 and 1");
        }

        if (!(maxAreaRatio >= minAreaRatio && maxAreaRatio <= 1))
        {
            throw new ConfigValueException("max_area_ratio", maxAreaRatio, $"at least min_area_ratio ({ConfigLiteral.Format(minAreaRatio)}) and at most 1");
        }

        var (aspectLow, aspectHigh) = AspectRange(aspectRange);
        if (mode is not ("const" or "rand"))
        {
            throw new ConfigValueException("mode", mode, "\"const\" or \"rand\"");
        }

        this.eraseProb = eraseProb;
        this.minAreaRatio = minAreaRatio;
        this.maxAreaRatio = maxAreaRatio;

        // mmpretrain takes the logarithms in float32.
        logAspectLow = MathF.Log((float)aspectLow);
        logAspectHigh = MathF.Log((float)aspectHigh);
        randomFill = mode == "rand";
        this.fillColor = ThreeValues("fill_color", fillColor ?? [128.0, 128.0, 128.0], "0 to 255", value => value >= 0 && value <= 255);
        this.fillStd = fillStd is null ? null : ThreeValues("fill_std", fillStd, "0 or more", value => value >= 0);
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
        var aspect = Math.Exp(RandomDraws.Uniform(random, logAspectLow, logAspectHigh));
        var area = image.Height * image.Width * RandomDraws.Uniform(random, minAreaRatio, maxAreaRatio);
        var height = Math.Min((int)Math.Round(Math.Sqrt(area * aspect), MidpointRounding.ToEven), image.Height);
        var width = Math.Min((int)Math.Round(Math.Sqrt(area / aspect), MidpointRounding.ToEven), image.Width);

        // numpy's randint excludes its end: as in mmpretrain, the rectangle never reaches the last row or column unless it spans the image.
        var top = image.Height > height ? random.Next(0, image.Height - height) : 0;
        var left = image.Width > width ? random.Next(0, image.Width - width) : 0;
        return sample with { Image = Erase(image, top, left, height, width, random) };
    }

    private static (double Low, double High) AspectRange(double[]? aspectRange)
    {
        if (aspectRange is null)
        {
            return (3.0 / 10, 10.0 / 3);
        }

        if (aspectRange.Length == 1 && aspectRange[0] > 0)
        {
            var low = Math.Min(aspectRange[0], 1 / aspectRange[0]);
            return (low, 1 / low);
        }

        if (aspectRange.Length == 2 && aspectRange[0] > 0 && aspectRange[0] <= aspectRange[1])
        {
            return (aspectRange[0], aspectRange[1]);
        }

        throw new ConfigValueException("aspect_range", aspectRange, "a positive number a (for [a, 1 / a]), or a [min, max] pair with 0 < min <= max");
    }

    private static double[] ThreeValues(string key, double[] value, string each, Func<double, bool> valid)
    {
        if (value.Length is 1 or 3 && value.All(valid))
        {
            return value.Length == 1 ? [value[0], value[0], value[0]] : [.. value];
        }

        throw new ConfigValueException(key, value, $"one number or three, each {each}");
    }

    private ImageData Erase(ImageData image, int top, int left, int height, int width, Random random)
    {
        var pixels = (byte[])image.Pixels.Clone();

        // mmpretrain draws the patch as (height, width, 3): row by row, pixel by pixel, channel by channel.
        for (var y = top; y < top + height; y++)
        {
            for (var x = left; x < left + width; x++)
            {
                for (var channel = 0; channel < 3; channel++)
                {
                    var value = !randomFill ? (byte)fillColor[channel]
                        : fillStd is null ? (byte)RandomDraws.Uniform(random, 0, 256)
                        : (byte)Math.Clamp((int)RandomDraws.Normal(random, fillColor[channel], fillStd[channel]), 0, 255);
                    if (channel < image.Channels)
                    {
                        pixels[((channel * image.Height) + y) * image.Width + x] = value;
                    }
                }
            }
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }
}
