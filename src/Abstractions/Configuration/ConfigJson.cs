using System.Text.Json;

namespace ImageClassifier;

/// <summary>
/// Errors for the converters of config value types (a class with its own <c>[JsonConverter]</c>),
/// worded as the binder words its own: "expected a number or \"inf\", but found the string
/// \"x\"". The binder places them at the member being read.
/// </summary>
public static class ConfigJson
{
    /// <summary>An error saying what was expected where <paramref name="reader"/> stands and what it found there.</summary>
    public static JsonException Mismatch(string expected, ref Utf8JsonReader reader) =>
        new($"expected {expected}, but found {Found(ref reader)}");

    /// <summary>
    /// An error in a value a converter read through the serializer (a nested component config),
    /// reworded to say where in the member it lies: "the policy at [0][1]: bits must be ...".
    /// Without a path of its own, the serializer places it at the member being read.
    /// </summary>
    public static JsonException Nested(string place, JsonException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var message = refusal.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return new JsonException($"{place}: {(cut < 0 ? message : message[..cut]).TrimEnd()}", refusal);
    }

    /// <summary>The current token as the binder names a value: <c>the string "x"</c>, <c>the number 1.5</c>, <c>a list</c>, ...</summary>
    public static string Found(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => "the number " + System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray()),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "a list",
        _ => "an object",
    };
}
