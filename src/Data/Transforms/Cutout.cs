using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>Cutout</c>: mmcv's <c>cutout</c>, a rectangle of <c>shape</c> centred on a
/// uniformly random point (cut at the image's edges) filled with <c>pad_val</c>.
/// </summary>
[RegisterModel]
public sealed class Cutout : AugmentTransform
{
    private readonly int[]? shape;
    private readonly double[]? padVal;

    /// <summary>Creates the transform; exactly one of <paramref name="shape"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="shape">The rectangle's side, or its [height, width], in pixels; from the level it is a square of the magnitude truncated.</param>
    /// <param name="padVal">The fill, one value or one per channel; null takes the policy's hparams, else 128.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The sides at level 0 and at total_level, as [val1, val2], when shape is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public Cutout(
        [ValueRange(Minimum = 0)] int[]? shape = null,
        [ValueRange(0, 255)] double[]? padVal = null,
        [ValueRange(0, 1)] double prob = 0.5,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb: 0, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("shape", shape))
    {
        if (shape is not null && (shape.Length is not (1 or 2) || shape.Any(side => side < 0)))
        {
            throw new ConfigValueException("shape", shape, "a side in pixels, or [height, width], 0 or more");
        }

        this.shape = shape is null ? null : [.. shape];
        this.padVal = padVal is null ? null : [.. padVal];
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source)
    {
        var side = shape is null ? (int)RandomMagnitude(random) : 0;
        var (cutHeight, cutWidth) = shape is null ? (side, side) : (shape[0], shape[^1]);
        var fill = FillValues(padVal, image, source);
        var centreY = RandomDraws.Uniform(random, 0, image.Height);
        var centreX = RandomDraws.Uniform(random, 0, image.Width);
        var top = (int)Math.Max(0, centreY - (cutHeight / 2.0));
        var left = (int)Math.Max(0, centreX - (cutWidth / 2.0));
        var bottom = Math.Min(image.Height, top + cutHeight);
        var right = Math.Min(image.Width, left + cutWidth);
        var pixels = (byte[])image.Pixels.Clone();
        for (var channel = 0; channel < image.Channels; channel++)
        {
            for (var y = top; y < bottom; y++)
            {
                Array.Fill(pixels, fill[channel], ((channel * image.Height) + y) * image.Width + left, right - left);
            }
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }
}
