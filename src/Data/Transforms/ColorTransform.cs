using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>ColorTransform</c>: the image blended with its grey version by a factor of
/// 1 + magnitude (saturation), as mmcv's <c>adjust_color</c> with its default cv2 backend computes it.
/// </summary>
[RegisterModel]
public sealed class ColorTransform : AugmentTransform
{
    private readonly double? magnitude;

    /// <summary>Creates the transform; exactly one of <paramref name="magnitude"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="magnitude">The factor minus 1 (0 changes nothing), negated with probability random_negative_prob.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="randomNegativeProb">The probability of negating the magnitude, 0 to 1.</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The magnitudes at level 0 and at total_level, as [val1, val2], when magnitude is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public ColorTransform(
        double? magnitude = null,
        [ValueRange(0, 1)] double prob = 0.5,
        [ValueRange(0, 1)] double randomNegativeProb = 0.5,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("magnitude", magnitude))
    {
        this.magnitude = magnitude;
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source) =>
        ColorOps.AdjustColor(image, 1 + SignedMagnitude(magnitude, random), ImageBackend.OpenCv);
}
