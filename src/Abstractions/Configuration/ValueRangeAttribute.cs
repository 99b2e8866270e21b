namespace ImageClassifier;

/// <summary>
/// The value must lie in a range, inclusive unless marked: <c>[ValueRange(1, 4)]</c>, or one-sided
/// with the named properties: <c>[ValueRange(Minimum = 0)]</c>.
/// </summary>
public sealed class ValueRangeAttribute : ConstraintAttribute
{
    /// <summary>A range with no bounds yet; set <see cref="Minimum"/> and/or <see cref="Maximum"/>.</summary>
    public ValueRangeAttribute()
    {
    }

    /// <summary>The inclusive range [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public ValueRangeAttribute(double minimum, double maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>The lower bound; negative infinity when unbounded.</summary>
    public double Minimum { get; set; } = double.NegativeInfinity;

    /// <summary>The upper bound; positive infinity when unbounded.</summary>
    public double Maximum { get; set; } = double.PositiveInfinity;

    /// <summary>Whether the lower bound itself is excluded.</summary>
    public bool MinimumExclusive { get; set; }

    /// <summary>Whether the upper bound itself is excluded.</summary>
    public bool MaximumExclusive { get; set; }

    /// <inheritdoc />
    public override string Expectation
    {
        get
        {
            var lower = MinimumExclusive ? "> " : ">= ";
            var upper = MaximumExclusive ? "< " : "<= ";
            return (double.IsNegativeInfinity(Minimum), double.IsPositiveInfinity(Maximum)) switch
            {
                (true, true) => "a number",
                (false, true) => lower + Format(Minimum),
                (true, false) => upper + Format(Maximum),
                _ when !MinimumExclusive && !MaximumExclusive => $"between {Format(Minimum)} and {Format(Maximum)}",
                _ => $"{lower}{Format(Minimum)} and {upper}{Format(Maximum)}",
            };
        }
    }

    /// <inheritdoc />
    public override bool IsSatisfiedBy(object? value)
    {
        if (value is null)
        {
            return true;
        }

        if (!TryGetNumber(value, out var number) || double.IsNaN(number))
        {
            return false;
        }

        var aboveMinimum = MinimumExclusive ? number > Minimum : number >= Minimum;
        var belowMaximum = MaximumExclusive ? number < Maximum : number <= Maximum;
        return aboveMinimum && belowMaximum;
    }
}
