namespace ImageClassifier;

/// <summary>The value must be one of the listed constants: <c>[OneOf(18, 34, 50, 101, 152)]</c>.</summary>
public sealed class OneOfAttribute(params object[] values) : ConstraintAttribute
{
    /// <summary>The allowed values.</summary>
    public IReadOnlyList<object> Values { get; } = values;

    /// <inheritdoc />
    public override string Expectation => "one of " + string.Join(", ", Values.Select(Format));

    /// <inheritdoc />
    public override bool IsSatisfiedBy(object? value)
    {
        if (value is null)
        {
            return true;
        }

        if (TryGetNumber(value, out var number))
        {
            return Values.Any(allowed => TryGetNumber(allowed, out var candidate) && candidate == number);
        }

        return Values.Any(allowed => Equals(allowed, value) || string.Equals(allowed.ToString(), value.ToString(), StringComparison.Ordinal));
    }
}
