using System.Text.Json.Serialization;

namespace ImageClassifier;

/// <summary>
/// A config value that mmpretrain takes as a number or as a list of numbers (<c>float |
/// Sequence[float]</c>), such as ColorJitter's <c>brightness</c> (<c>0.4</c> or <c>[0.6, 1.4]</c>)
/// or RandomErasing's <c>fill_color</c> (<c>128</c> or <c>[104, 116, 124]</c>); the component says
/// what each form means for it. C# code converts a <c>double</c> or a <c>double[]</c> to it.
/// </summary>
[JsonConverter(typeof(NumberOrListConverter))]
public sealed class NumberOrList : IEquatable<NumberOrList>
{
    private readonly double[] values;

    private NumberOrList(double[] values, bool isNumber)
    {
        this.values = values;
        IsNumber = isNumber;
    }

    /// <summary>Whether the value was written as one number rather than a list.</summary>
    public bool IsNumber { get; }

    /// <summary>The numbers: one when <see cref="IsNumber"/>, else the list's items.</summary>
    public IReadOnlyList<double> Values => values;

    /// <summary>The number form.</summary>
    public static implicit operator NumberOrList(double value) => Number(value);

    /// <summary>The list form.</summary>
    public static implicit operator NumberOrList(double[] values) => List(values);

    /// <summary>The number form: <c>0.4</c>.</summary>
    public static NumberOrList Number(double value) => new([value], isNumber: true);

    /// <summary>The list form: <c>[0.6, 1.4]</c>.</summary>
    public static NumberOrList List(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new([.. values], isNumber: false);
    }

    /// <inheritdoc />
    public bool Equals(NumberOrList? other) =>
        other is not null && IsNumber == other.IsNumber && values.AsSpan().SequenceEqual(other.values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NumberOrList);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsNumber);
        foreach (var value in values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    /// <summary>As a config writes it: "0.4" or "[0.6, 1.4]".</summary>
    public override string ToString() => IsNumber ? ConfigLiteral.Format(values[0]) : ConfigLiteral.Format(values);
}
