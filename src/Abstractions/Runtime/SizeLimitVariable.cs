using System.Globalization;

namespace ImageClassifier.Runtime;

/// <summary>
/// Reads a resource limit (pixels, bytes) from an environment variable, so that a user can raise
/// or lower the limits that guard against hostile files without a rebuild. The syntax is a whole
/// number, optionally followed by K, M, G or T (powers of 1024; "KB", "KiB", "GiB" ... read the
/// same), or "none" for no limit. Every ICLS_MAX_* variable uses it.
/// </summary>
public static class SizeLimitVariable
{
    /// <summary>
    /// The limit <paramref name="variable"/> sets, or <paramref name="defaultValue"/> when it is unset
    /// or blank; "none" gives <see cref="long.MaxValue"/>.
    /// </summary>
    /// <param name="variable">The environment variable, named in errors.</param>
    /// <param name="defaultValue">The limit when the variable is not set.</param>
    /// <param name="unit">What the limit counts ("pixels", "bytes"), for the error message.</param>
    /// <param name="read">Reads a variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null (tests pass their own).</param>
    /// <exception cref="ArgumentException">The value is not a positive whole number, a number with a suffix, or "none".</exception>
    public static long Read(string variable, long defaultValue, string unit, Func<string, string?>? read = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(variable);
        var value = (read ?? Environment.GetEnvironmentVariable)(variable);
        return string.IsNullOrWhiteSpace(value) ? defaultValue : Parse(variable, value, defaultValue, unit);
    }

    /// <summary>Reads <paramref name="value"/> as <see cref="Read"/> reads the variable's value.</summary>
    /// <exception cref="ArgumentException">The value is not a positive whole number, a number with a suffix, or "none".</exception>
    public static long Parse(string variable, string value, long defaultValue, string unit)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        foreach (var byteSuffix in new[] { "iB", "B" })
        {
            if (text.Length > byteSuffix.Length && text.EndsWith(byteSuffix, StringComparison.OrdinalIgnoreCase) && char.IsAsciiLetter(text[^(byteSuffix.Length + 1)]))
            {
                text = text[..^byteSuffix.Length];
                break;
            }
        }

        if (value.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return long.MaxValue;
        }

        var shift = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => 0,
        };
        var digits = (shift == 0 ? text : text[..^1]).TrimEnd();
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0
            || number > (long.MaxValue >> shift))
        {
            throw new ArgumentException(
                $"{variable}={value} is not a limit in {unit}: expected a positive whole number, optionally followed by K, M, G or T " +
                $"(powers of 1024), or \"none\" for no limit (unset, the limit is {defaultValue.ToString(CultureInfo.InvariantCulture)}).");
        }

        return number << shift;
    }
}
