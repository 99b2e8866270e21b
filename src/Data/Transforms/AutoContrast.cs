using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>mmpretrain's <c>AutoContrast</c>: each channel stretched to 0-255 (mmcv's <c>auto_contrast</c>).</summary>
[RegisterModel]
public sealed class AutoContrast : AugmentTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="prob">The probability of applying it, 0 to 1.</param>
    public AutoContrast([ValueRange(0, 1)] double prob = 0.5)
        : base(prob, randomNegativeProb: 0, magnitudeLevel: 10, magnitudeRange: null, magnitudeStd: null, totalLevel: 10, magnitude: null)
    {
    }

    /// <inheritdoc />
    protected override ImageData Augment(ImageData image, Random random, string source) => ColorOps.AutoContrast(image);
}
