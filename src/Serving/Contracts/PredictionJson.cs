using System.Text.Json.Serialization;
using ImageClassifier.Engine.Inference;

namespace ImageClassifier.Serving.Contracts;

/// <summary>One image's prediction, with mmpretrain's result keys.</summary>
/// <param name="Source">The image's file name (multipart), or the request's <c>?name=</c> (raw bytes).</param>
/// <param name="PredLabel">The best class's index.</param>
/// <param name="PredClass">The best class's name.</param>
/// <param name="PredScore">The best class's probability.</param>
/// <param name="Topk">The k best classes, best first.</param>
public sealed record PredictionJson(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("pred_label")] int PredLabel,
    [property: JsonPropertyName("pred_class")] string PredClass,
    [property: JsonPropertyName("pred_score")] double PredScore,
    [property: JsonPropertyName("topk")] IReadOnlyList<ScoreJson> Topk)
{
    /// <summary>The inferencer's result as JSON.</summary>
    public static PredictionJson From(InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new PredictionJson(
            result.Source,
            result.PredLabel,
            result.PredClass,
            result.PredScore,
            [.. result.TopK.Select(score => new ScoreJson(score.Label, score.ClassName, score.Score))]);
    }
}
