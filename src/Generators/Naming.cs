using System.Globalization;
using System.Text;

namespace ImageClassifier.Generators;

/// <summary>Name conversions shared by the parser, the emitter and the analyzers (strings only).</summary>
internal static class Naming
{
    /// <summary>The config member name of a parameter: its first letter upper-cased ("outIndices" to "OutIndices").</summary>
    public static string ToPascalCase(string name) =>
        name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    /// <summary>
    /// The JSON name of a parameter, as System.Text.Json's <c>JsonNamingPolicy.SnakeCaseLower</c>
    /// writes it: "outIndices" to "out_indices", "toRGB" to "to_rgb", "toRGBValue" to "to_rgb_value".
    /// </summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        var previous = WordState.Start;
        for (var index = 0; index < name.Length; index++)
        {
            var current = name[index];
            switch (char.GetUnicodeCategory(current))
            {
                case UnicodeCategory.UppercaseLetter:
                    // An upper-case letter opens a word after a lower-case letter or digit, and
                    // ends an acronym when a lower-case letter follows it ("RGBValue").
                    var opensWord = previous is WordState.LowerOrDigit or WordState.Space
                        || (previous == WordState.Upper && index + 1 < name.Length && char.IsLower(name[index + 1]));
                    if (opensWord)
                    {
                        builder.Append('_');
                    }

                    builder.Append(char.ToLowerInvariant(current));
                    previous = WordState.Upper;
                    break;
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.DecimalDigitNumber:
                    if (previous == WordState.Space)
                    {
                        builder.Append('_');
                    }

                    builder.Append(current);
                    previous = WordState.LowerOrDigit;
                    break;
                case UnicodeCategory.SpaceSeparator:
                    if (previous != WordState.Start)
                    {
                        previous = WordState.Space;
                    }

                    break;
                default:
                    builder.Append(current);
                    previous = WordState.Start;
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Letters, digits, '_', '-' and '.', starting with a letter (ASCII).</summary>
    public static bool IsValidRegistryName(string? name)
    {
        if (name is null || name.Length == 0 || !IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var character in name)
        {
            if (!IsAsciiLetter(character) && character is not (>= '0' and <= '9') and not '_' and not '-' and not '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An identifier made from an assembly name: other characters become '_'.</summary>
    public static string ToIdentifier(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var character in name)
        {
            builder.Append(char.IsLetterOrDigit(character) || character == '_' ? character : '_');
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static bool IsAsciiLetter(char character) => character is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private enum WordState
    {
        Start,
        Upper,
        LowerOrDigit,
        Space,
    }
}
