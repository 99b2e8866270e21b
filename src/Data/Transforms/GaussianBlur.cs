using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>GaussianBlur</c>: Pillow's <c>ImageFilter.GaussianBlur</c> of the given radius
/// (three box blurs approximating a Gaussian of that standard deviation), as mmpretrain calls it.
/// </summary>
[RegisterModel]
public sealed class GaussianBlur : AugmentTransform
{
    private readonly double? radius;

    /// <summary>Creates the transform; exactly one of <paramref name="radius"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="radius">The standard deviation of the blur, in pixels.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The magnitudes at level 0 and at total_level, as [val1, val2], when radius is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public GaussianBlur(
        double? radius = null,
        [ValueRange(0, 1)] double prob = 0.5,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb: 0, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("radius", radius))
    {
        this.radius = radius;
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source) =>
        ColorOps.GaussianBlur(image, radius ?? RandomMagnitude(random));
}
