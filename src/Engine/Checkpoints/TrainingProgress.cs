namespace ImageClassifier.Engine.Checkpoints;

/// <summary>Where a run stands, as a checkpoint records it.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Iteration">Iterations completed over the whole run.</param>
/// <param name="EpochIteration">Iterations completed in the epoch under way (0 at an epoch's end).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="BestScore">The best value so far of the save_best metric, or null.</param>
/// <param name="BestCheckpoint">The file holding the best weights so far, or null.</param>
public sealed record TrainingProgress(int Epoch, int Iteration, int EpochIteration, int Seed, double? BestScore = null, string? BestCheckpoint = null);
