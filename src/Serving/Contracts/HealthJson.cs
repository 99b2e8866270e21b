using System.Text.Json.Serialization;

namespace ImageClassifier.Serving.Contracts;

/// <summary>The answer to <c>GET /health</c>.</summary>
/// <param name="Status">Healthy, Degraded (the queue is full: new requests get 429) or Unhealthy (not serving).</param>
/// <param name="Queued">Requests waiting for an inferencer.</param>
/// <param name="QueueCapacity">How many may wait before new ones get 429.</param>
/// <param name="Workers">Inferencers classifying.</param>
/// <param name="Batches">Forward passes run since start.</param>
/// <param name="Images">Images classified since start.</param>
/// <param name="Rejected">Requests answered 429 since start.</param>
public sealed record HealthJson(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("queued")] int Queued,
    [property: JsonPropertyName("queue_capacity")] int QueueCapacity,
    [property: JsonPropertyName("workers")] int Workers,
    [property: JsonPropertyName("batches")] long Batches,
    [property: JsonPropertyName("images")] long Images,
    [property: JsonPropertyName("rejected")] long Rejected);
