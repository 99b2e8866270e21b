using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>mmpretrain's <c>Invert</c>: 255 minus each value (mmcv's <c>iminvert</c>).</summary>
[RegisterModel]
public sealed class Invert : AugmentTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    public Invert([ValueRange(0, 1)] double prob = 0.5)
        : base(prob, randomNegativeProb: 0, magnitudeLevel: 10, magnitudeRange: null, magnitudeStd: null, totalLevel: 10, magnitude: null)
    {
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source) => ColorOps.Invert(image);
}
