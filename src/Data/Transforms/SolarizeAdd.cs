using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>SolarizeAdd</c>: a magnitude added to the values below <c>thr</c>, capped at 255.
/// </summary>
[RegisterModel]
public sealed class SolarizeAdd : AugmentTransform
{
    private readonly double? magnitude;
    private readonly double thr;

    /// <summary>Creates the transform; exactly one of <paramref name="magnitude"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="magnitude">The value added.</param>
    /// <param name="thr">The threshold below which values are raised.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The magnitudes at level 0 and at total_level, as [val1, val2], when magnitude is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public SolarizeAdd(
        double? magnitude = null,
        double thr = 128,
        [ValueRange(0, 1)] double prob = 0.5,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb: 0, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("magnitude", magnitude))
    {
        this.magnitude = magnitude;
        this.thr = thr;
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source) =>
        ColorOps.SolarizeAdd(image, magnitude ?? RandomMagnitude(random), thr);
}
