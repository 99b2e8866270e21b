using System.Globalization;

namespace ImageClassifier;

/// <summary>Writes config values as a JSON config would show them, for messages and listings.</summary>
public static class ConfigLiteral
{
    /// <summary>"null", "true", "18", "0.5", "\"pytorch\"", "[1, 5]".</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        Enum choice => $"\"{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(choice.ToString())}\"",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };
}
