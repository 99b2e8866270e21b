namespace ImageClassifier.Engine;

/// <summary>How a training run ended.</summary>
/// <param name="Completed">True when it ran to the end or a hook stopped it (<see cref="StopReason"/>); false when it was interrupted.</param>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="WorkDir">Where its logs and checkpoints are.</param>
/// <param name="LastCheckpoint">The last checkpoint written, or null.</param>
/// <param name="BestCheckpoint">The best checkpoint (save_best), or null.</param>
/// <param name="LastMetrics">The metrics of the last validation, or empty.</param>
/// <param name="Elapsed">The wall time of the run (this process's part of it).</param>
public sealed record TrainingResult(
    bool Completed,
    int Epoch,
    int Iteration,
    string WorkDir,
    string? LastCheckpoint,
    string? BestCheckpoint,
    IReadOnlyDictionary<string, double> LastMetrics,
    TimeSpan Elapsed)
{
    /// <summary>Why a hook stopped training before its end (an EarlyStoppingHook's finding, after the hook's name), or null.</summary>
    public string? StopReason { get; init; }
}
