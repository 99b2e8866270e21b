using System.Globalization;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// A JSON number, kept as written: <c>10</c> and <c>10.0</c> stay different, so the typed
/// binding can refuse a float where an integer is expected.
/// </summary>
public sealed class ConfigNumber(string literal, SourceLocation location) : ConfigNode(location)
{
    /// <summary>The number exactly as written in the JSON (a valid JSON number literal).</summary>
    public string Literal { get; } = literal;

    /// <summary>True when the literal has no fraction and no exponent (<c>10</c>, <c>-3</c>).</summary>
    public bool IsInteger => Literal.AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    /// <inheritdoc/>
    public override ConfigNodeKind Kind => ConfigNodeKind.Number;

    /// <summary>The value as a 64-bit integer, when it is an integer literal in range.</summary>
    public bool TryGetInt64(out long value) =>
        long.TryParse(Literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && IsInteger;

    /// <summary>The value as a double (may round, or be infinite for huge exponents).</summary>
    public double GetDouble() => double.Parse(Literal, NumberStyles.Float, CultureInfo.InvariantCulture);
}
