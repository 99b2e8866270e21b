using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>Shear</c>: mmcv's <c>imshear</c>, the affine map [[1, m, 0], [0, 1, 0]] (or its
/// vertical transpose) about the top-left pixel with the magnitude m as float32, warped as
/// OpenCV does with the empty pixels filled with <c>pad_val</c>.
/// </summary>
[RegisterModel]
public sealed class Shear : AugmentTransform
{
    private readonly double? magnitude;
    private readonly double[]? padVal;
    private readonly AxisDirection direction;
    private readonly Interpolation? interpolation;

    /// <summary>Creates the transform; exactly one of <paramref name="magnitude"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="magnitude">The shear factor (the tangent of the angle), negated with probability random_negative_prob.</param>
    /// <param name="padVal">The fill, one value or one per channel; null takes the policy's hparams, else 128.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="direction">"horizontal" or "vertical".</param>
    /// <param name="randomNegativeProb">The probability of negating the magnitude, 0 to 1.</param>
    /// <param name="interpolation">"nearest", "bilinear" or "bicubic"; null takes the policy's hparams, else "bicubic".</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The magnitudes at level 0 and at total_level, as [val1, val2], when magnitude is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public Shear(
        double? magnitude = null,
        [ValueRange(0, 255)] double[]? padVal = null,
        [ValueRange(0, 1)] double prob = 0.5,
        AxisDirection direction = AxisDirection.Horizontal,
        [ValueRange(0, 1)] double randomNegativeProb = 0.5,
        Interpolation? interpolation = null,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("magnitude", magnitude))
    {
        this.magnitude = magnitude;
        this.padVal = padVal is null ? null : [.. padVal];
        this.direction = direction;
        this.interpolation = interpolation;
    }

    /// <summary>The axis along which pixels move.</summary>
    public AxisDirection Direction => direction;

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source)
    {
        // mmcv builds the matrix in float32; the inverse of a shear negates its factor.
        var factor = -(double)(float)SignedMagnitude(magnitude, random);
        double[] inverse = direction == AxisDirection.Horizontal ? [1, factor, 0, 0, 1, 0] : [1, 0, 0, factor, 1, 0];
        return ImageOps.WarpAffine(image, inverse, interpolation ?? Hparams.Interpolation ?? Interpolation.Bicubic, FillValues(padVal, image, source));
    }
}
