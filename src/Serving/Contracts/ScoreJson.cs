using System.Text.Json.Serialization;

namespace ImageClassifier.Serving.Contracts;

/// <summary>One class and its probability in an image's top-k.</summary>
/// <param name="Label">The class index.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="Score">Its probability, 0 to 1.</param>
public sealed record ScoreJson(
    [property: JsonPropertyName("label")] int Label,
    [property: JsonPropertyName("class")] string ClassName,
    [property: JsonPropertyName("score")] double Score);
