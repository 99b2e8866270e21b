namespace ImageClassifier;

/// <summary>The value must be one of the listed constants: <c>[OneOf(18, 34, 50, 101, 152)]</c>.</summary>
public sealed class OneOfAttribute(params object[] values) : ConstraintAttribute
{
    /// <summary>The allowed values.</summary>
    public IReadOnlyList<object> Values { get; } = values;

    /// <inheritdoc />
    public override string Expectation => "one of " + string.Join(", ", Values.Select(Format));

    /// <inheritdoc />
    public override bool IsSatisfiedBy(object? value) => value switch
    {
        null => true,
        Enum choice => Values.Any(allowed => Equals(allowed, choice)
            || (allowed is string name && name == choice.ToString())
            || (TryGetNumber(allowed, out var number) && number == Convert.ToDouble(choice, System.Globalization.CultureInfo.InvariantCulture))),
        _ when TryGetNumber(value, out var number) => Values.Any(allowed => TryGetNumber(allowed, out var candidate) && candidate == number),
        _ => Values.Any(allowed => Equals(allowed, value)),
    };
}
