namespace ImageClassifier.Shared.Json;

/// <summary>
/// The first syntax error in config JSON: where it is, how many characters to mark, the JSON path
/// of the value being read and what is wrong. <see cref="Exception.Message"/> is the detail alone.
/// </summary>
internal sealed class JsonSyntaxException(JsonPosition position, int length, string jsonPath, string detail) : Exception(detail)
{
    public JsonPosition Position { get; } = position;

    /// <summary>The characters to mark from <see cref="Position"/>; 0 at the end of the text.</summary>
    public int Length { get; } = length;

    /// <summary><c>$</c>, <c>$.model.backbone</c>, <c>$.pipeline[2]</c>.</summary>
    public string JsonPath { get; } = jsonPath;

    public string Detail => Message;

    /// <summary>The message as the host and the analyzer both show it after the location: <c>$.model: expected ...</c>.</summary>
    public string PathAndDetail => $"{JsonPath}: {Detail}";
}
