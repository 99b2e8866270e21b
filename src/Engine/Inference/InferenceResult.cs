namespace ImageClassifier.Engine.Inference;

/// <summary>The prediction for one image, as mmpretrain's ImageClassificationInferencer gives it.</summary>
/// <param name="Source">The image's file, or "tensor[i]" for an image passed as a tensor.</param>
/// <param name="PredLabel">The predicted class index.</param>
/// <param name="PredClass">The predicted class's name.</param>
/// <param name="PredScore">Its probability.</param>
/// <param name="TopK">The k best classes, best first.</param>
public sealed record InferenceResult(string Source, int PredLabel, string PredClass, double PredScore, IReadOnlyList<ClassScore> TopK);
