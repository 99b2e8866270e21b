using System.Collections;
using System.Globalization;

namespace ImageClassifier;

/// <summary>
/// A constraint declared once on a constructor parameter. The generated config checks it when a
/// value is set (from JSON or C#), and the analyzer checks constants at compile time. On an
/// array parameter it applies to each item.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property, Inherited = false, AllowMultiple = true)]
public abstract class ConstraintAttribute : Attribute
{
    /// <summary>What a valid value is, as the end of "must be ...": "one of 18, 34".</summary>
    public abstract string Expectation { get; }

    /// <summary>Whether one (non-collection) value satisfies the constraint; null always does.</summary>
    public abstract bool IsSatisfiedBy(object? value);

    /// <summary>
    /// Throws a <see cref="ConfigValueException"/> naming <paramref name="member"/> (its JSON
    /// name) when <paramref name="value"/>, or an item of it, breaks the constraint.
    /// </summary>
    public void Validate(string member, object? value)
    {
        if (value is IEnumerable items and not string)
        {
            var index = 0;
            foreach (var item in items)
            {
                if (!IsSatisfiedBy(item))
                {
                    throw new ConfigValueException($"{member}[{index}]", item, Expectation);
                }

                index++;
            }
        }
        else if (!IsSatisfiedBy(value))
        {
            throw new ConfigValueException(member, value, Expectation);
        }
    }

    /// <summary>Formats a constraint value as a config would write it.</summary>
    protected static string Format(object? value) => ConfigLiteral.Format(value);

    /// <summary>Whether a value is a number that can be compared as a double.</summary>
    protected static bool TryGetNumber(object? value, out double number)
    {
        switch (value)
        {
            case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return true;
            default:
                number = 0;
                return false;
        }
    }
}
