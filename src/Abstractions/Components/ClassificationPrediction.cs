using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>A head's prediction: <paramref name="Scores"/> (N, num_classes) and <paramref name="Labels"/> (N, int64).</summary>
public sealed record ClassificationPrediction(Tensor Scores, Tensor Labels);
