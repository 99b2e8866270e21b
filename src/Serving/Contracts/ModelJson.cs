using System.Text.Json.Serialization;

namespace ImageClassifier.Serving.Contracts;

/// <summary>What <c>GET /models</c> tells about a served model.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Runtime">Which runtime classifies (torchsharp, ...).</param>
/// <param name="NumClasses">How many classes it scores.</param>
/// <param name="Classes">The class names, by label.</param>
/// <param name="Channels">1 for grayscale, 3 for colour: uploads are decoded to this.</param>
/// <param name="InputSize">The (height, width) its test pipeline gives it; null when unknown.</param>
/// <param name="DefaultTopk">How many classes a prediction lists when the request does not say.</param>
/// <param name="PoolSize">How many inferencers classify in parallel.</param>
/// <param name="MaxBatchSize">The most images one forward pass takes.</param>
public sealed record ModelJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("runtime")] string Runtime,
    [property: JsonPropertyName("num_classes")] int NumClasses,
    [property: JsonPropertyName("classes")] IReadOnlyList<string> Classes,
    [property: JsonPropertyName("channels")] int Channels,
    [property: JsonPropertyName("input_size")] IReadOnlyList<int>? InputSize,
    [property: JsonPropertyName("default_topk")] int DefaultTopk,
    [property: JsonPropertyName("pool_size")] int PoolSize,
    [property: JsonPropertyName("max_batch_size")] int MaxBatchSize);
