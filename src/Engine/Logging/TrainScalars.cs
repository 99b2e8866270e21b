namespace ImageClassifier.Engine.Logging;

/// <summary>One <c>"mode": "train"</c> record of <c>scalars.jsonl</c>: the means over a logger interval.</summary>
/// <param name="Iteration">The iterations done when it was written.</param>
/// <param name="Epoch">The epoch it was written in, from 1.</param>
/// <param name="Loss">The mean total loss, or null when the record has none.</param>
/// <param name="LearningRate">The learning rate, or null when the record has none.</param>
public sealed record TrainScalars(long Iteration, long Epoch, double? Loss, double? LearningRate);
