using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>Posterize</c>: each value reduced to its highest bits (mmcv's <c>posterize</c>); a
/// magnitude from the level is rounded up to whole bits, as mmpretrain does to match timm.
/// </summary>
[RegisterModel]
public sealed class Posterize : AugmentTransform
{
    private readonly int? bits;

    /// <summary>Creates the transform; exactly one of <paramref name="bits"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="bits">The bits kept, 0 to 8.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The magnitudes at level 0 and at total_level, as [val1, val2], when bits is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public Posterize(
        [ValueRange(0, 8)] int? bits = null,
        [ValueRange(0, 1)] double prob = 0.5,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb: 0, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("bits", bits))
    {
        if (bits is < 0 or > 8)
        {
            throw new ConfigValueException("bits", bits, "0 to 8");
        }

        this.bits = bits;
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source) =>
        ColorOps.Posterize(image, bits ?? (int)Math.Ceiling(RandomMagnitude(random)));
}
