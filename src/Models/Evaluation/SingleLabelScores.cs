namespace ImageClassifier.Models.Evaluation;

/// <summary>
/// What <see cref="SingleLabelMetric.Calculate"/> finds under one threshold: precision, recall and
/// F1-score in percent, and the support (sample count). Each holds one value for a "macro" or
/// "micro" average, one per class otherwise.
/// </summary>
/// <param name="Precision">TP / (TP + FP) x 100: of the samples predicted as the class, the share that is it.</param>
/// <param name="Recall">TP / (TP + FN) x 100: of the samples of the class, the share predicted as it.</param>
/// <param name="F1Score">The harmonic mean of precision and recall.</param>
/// <param name="Support">The number of samples of the class (all samples for an average).</param>
public sealed record SingleLabelScores(double[] Precision, double[] Recall, double[] F1Score, double[] Support);
