namespace ImageClassifier.Engine.Inference;

/// <summary>One class and its score in a prediction.</summary>
/// <param name="Label">The class index.</param>
/// <param name="ClassName">The class's name (the label as text when the checkpoint names no classes).</param>
/// <param name="Score">The class's probability, 0 to 1.</param>
public sealed record ClassScore(int Label, string ClassName, double Score);
