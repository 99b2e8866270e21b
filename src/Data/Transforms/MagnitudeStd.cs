using System.Text.Json.Serialization;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// The <c>magnitude_std</c> of mmpretrain's augmentations: a number, or <c>"inf"</c>. A positive
/// number draws each magnitude level from a normal distribution around <c>magnitude_level</c>
/// (clipped to 0..<c>total_level</c>), 0 or less keeps the level, and <c>"inf"</c> draws it
/// uniformly from 0 to <c>magnitude_level</c>. C# code converts a <c>double</c> to it.
/// </summary>
[JsonConverter(typeof(MagnitudeStdConverter))]
public sealed class MagnitudeStd : IEquatable<MagnitudeStd>
{
    private MagnitudeStd(double value) => Value = value;

    /// <summary>The <c>"inf"</c> form: levels uniform from 0 to <c>magnitude_level</c>.</summary>
    public static MagnitudeStd Infinite { get; } = new(double.PositiveInfinity);

    /// <summary>The standard deviation; positive infinity for <c>"inf"</c>.</summary>
    public double Value { get; }

    /// <summary>Whether this is <c>"inf"</c>.</summary>
    public bool IsInfinite => double.IsPositiveInfinity(Value);

    /// <summary>The number form.</summary>
    public static implicit operator MagnitudeStd(double value) => Of(value);

    /// <summary>The number form (positive infinity is <see cref="Infinite"/>).</summary>
    /// <exception cref="ArgumentException">The value is not a number.</exception>
    public static MagnitudeStd Of(double value) =>
        double.IsNaN(value) ? throw new ArgumentException("A magnitude_std must be a number or \"inf\".", nameof(value))
        : double.IsPositiveInfinity(value) ? Infinite
        : new(value);

    /// <inheritdoc />
    public bool Equals(MagnitudeStd? other) => other is not null && Value.Equals(other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MagnitudeStd);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>As a config writes it: "0.5" or "\"inf\"".</summary>
    public override string ToString() => IsInfinite ? "\"inf\"" : ConfigLiteral.Format(Value);
}
