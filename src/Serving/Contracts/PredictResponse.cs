using System.Text.Json.Serialization;

namespace ImageClassifier.Serving.Contracts;

/// <summary>The answer to <c>POST /predict</c>: one prediction per image, in the order they were sent.</summary>
/// <param name="Model">The served model's name.</param>
/// <param name="Predictions">The predictions.</param>
public sealed record PredictResponse(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("predictions")] IReadOnlyList<PredictionJson> Predictions);
