namespace ImageClassifier.Engine.Charts;

/// <summary>One point of a series, in data units.</summary>
/// <param name="X">The horizontal value (an iteration, an epoch).</param>
/// <param name="Y">The vertical value (a loss, an accuracy).</param>
public readonly record struct DataPoint(double X, double Y);
