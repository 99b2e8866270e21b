namespace ImageClassifier.Engine.Logging;

/// <summary>One <c>"mode": "val"</c> record of <c>scalars.jsonl</c>.</summary>
/// <param name="Iteration">The iterations done when the validation ran.</param>
/// <param name="Epoch">The epochs done when the validation ran.</param>
/// <param name="Metrics">Its metrics by name ("accuracy/top1"), in percent for accuracies.</param>
public sealed record ValidationScalars(long Iteration, long Epoch, IReadOnlyDictionary<string, double> Metrics);
