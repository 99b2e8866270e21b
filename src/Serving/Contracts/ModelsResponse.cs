using System.Text.Json.Serialization;

namespace ImageClassifier.Serving.Contracts;

/// <summary>The answer to <c>GET /models</c>: the models this server answers with (one today).</summary>
/// <param name="Models">The models.</param>
public sealed record ModelsResponse([property: JsonPropertyName("models")] IReadOnlyList<ModelJson> Models);
