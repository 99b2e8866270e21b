using System.Text.Json.Serialization;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// The <c>hparams</c> of <see cref="RandAugment"/> and <see cref="AutoAugment"/>: settings given to
/// every policy whose transform takes them and does not set them itself, as mmpretrain merges
/// them. JSON <c>{"pad_val": [104, 116, 124], "interpolation": "bicubic"}</c>; these two are the
/// settings the augmentations here take, and other keys are refused.
/// </summary>
[JsonConverter(typeof(AugmentHparamsConverter))]
public sealed class AugmentHparams : IEquatable<AugmentHparams>
{
    /// <summary>The fill of pixels a geometric augmentation or Cutout leaves empty, one value or one per channel.</summary>
    public double[]? PadVal { get; init; }

    /// <summary>How Rotate, Shear and Translate sample the image.</summary>
    public Interpolation? Interpolation { get; init; }

    /// <inheritdoc />
    public bool Equals(AugmentHparams? other) =>
        other is not null && ConfigEquality.AreEqual(PadVal, other.PadVal) && Interpolation == other.Interpolation;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AugmentHparams);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ConfigEquality.GetHashCode(PadVal), Interpolation);

    /// <summary>As a config writes it.</summary>
    public override string ToString()
    {
        var members = new List<string>();
        if (PadVal is not null)
        {
            members.Add($"\"pad_val\": {ConfigLiteral.Format(PadVal)}");
        }

        if (Interpolation is { } interpolation)
        {
            members.Add($"\"interpolation\": {ConfigLiteral.Format(interpolation)}");
        }

        return "{" + string.Join(", ", members) + "}";
    }
}
