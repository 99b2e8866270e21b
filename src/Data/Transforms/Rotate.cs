using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>Rotate</c>: mmcv's <c>imrotate</c>, the image turned clockwise by the angle (in
/// degrees) about <c>center</c> (the image's centre by default) and scaled by <c>scale</c>, with
/// OpenCV's rotation matrix inverted as OpenCV inverts it, the empty pixels filled with <c>pad_val</c>.
/// </summary>
[RegisterModel]
public sealed class Rotate : AugmentTransform
{
    private readonly double? angle;
    private readonly double[]? center;
    private readonly double scale;
    private readonly double[]? padVal;
    private readonly Interpolation? interpolation;

    /// <summary>Creates the transform; exactly one of <paramref name="angle"/> and <paramref name="magnitudeRange"/> is given.</summary>
    /// <param name="angle">The clockwise angle in degrees, negated with probability random_negative_prob.</param>
    /// <param name="center">The centre of rotation as [x, y] in pixels of the source; null is the image's centre, ((w - 1) / 2, (h - 1) / 2).</param>
    /// <param name="scale">The factor the image is scaled by about the centre.</param>
    /// <param name="padVal">The fill, one value or one per channel; null takes the policy's hparams, else 128.</param>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    /// <param name="randomNegativeProb">The probability of negating the angle, 0 to 1.</param>
    /// <param name="interpolation">"nearest", "bilinear" or "bicubic"; null takes the policy's hparams, else "nearest".</param>
    /// <param name="magnitudeLevel">The level mapped into magnitude_range.</param>
    /// <param name="magnitudeRange">The angles at level 0 and at total_level, as [val1, val2], when angle is not given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to magnitude_range's second value.</param>
    public Rotate(
        double? angle = null,
        double[]? center = null,
        double scale = 1.0,
        [ValueRange(0, 255)] double[]? padVal = null,
        [ValueRange(0, 1)] double prob = 0.5,
        [ValueRange(0, 1)] double randomNegativeProb = 0.5,
        Interpolation? interpolation = null,
        [ValueRange(Minimum = 0)] double magnitudeLevel = 10,
        double[]? magnitudeRange = null,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10)
        : base(prob, randomNegativeProb, magnitudeLevel, magnitudeRange, magnitudeStd, totalLevel, ("angle", angle))
    {
        if (center is not null && center.Length != 2)
        {
            throw new ConfigValueException("center", center, "a point [x, y]");
        }

        if (!(scale != 0 && double.IsFinite(scale)))
        {
            throw new ConfigValueException("scale", scale, "a number other than 0");
        }

        this.angle = angle;
        this.center = center is null ? null : [.. center];
        this.scale = scale;
        this.padVal = padVal is null ? null : [.. padVal];
        this.interpolation = interpolation;
    }

    /// <summary>
    /// The map from output to source pixels of a clockwise rotation by <paramref name="degrees"/>
    /// about (<paramref name="centerX"/>, <paramref name="centerY"/>) with <paramref name="scale"/>:
    /// OpenCV's <c>getRotationMatrix2D</c> of the negated angle, inverted by <c>invertAffineTransform</c>.
    /// </summary>
    public static double[] InverseRotation(double degrees, double centerX, double centerY, double scale)
    {
        var radians = -degrees * Math.PI / 180;
        var alpha = Math.Cos(radians) * scale;
        var beta = Math.Sin(radians) * scale;
        double[] forward = [alpha, beta, ((1 - alpha) * centerX) - (beta * centerY), -beta, alpha, (beta * centerX) + ((1 - alpha) * centerY)];
        var determinant = (forward[0] * forward[4]) - (forward[1] * forward[3]);
        determinant = determinant != 0 ? 1.0 / determinant : 0.0;
        var a11 = forward[4] * determinant;
        var a22 = forward[0] * determinant;
        var a12 = -forward[1] * determinant;
        var a21 = -forward[3] * determinant;
        return [a11, a12, (-a11 * forward[2]) - (a12 * forward[5]), a21, a22, (-a21 * forward[2]) - (a22 * forward[5])];
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source)
    {
        var degrees = SignedMagnitude(angle, random);
        var (centerX, centerY) = center is null ? ((image.Width - 1) * 0.5, (image.Height - 1) * 0.5) : (center[0], center[1]);
        var inverse = InverseRotation(degrees, centerX, centerY, scale);
        return ImageOps.WarpAffine(image, inverse, interpolation ?? Hparams.Interpolation ?? Interpolation.Nearest, FillValues(padVal, image, source));
    }
}
