namespace ImageClassifier.Engine.Configuration;

/// <summary><c>default_hooks.checkpoint</c>, mmengine's CheckpointHook.</summary>
/// <param name="Interval">Save every this many epochs, or iterations when <paramref name="ByEpoch"/> is false; 0 or less saves only the last.</param>
/// <param name="MaxKeepCheckpoints">Keep only this many periodic checkpoints, deleting older ones; all when 0 or less.</param>
/// <param name="SaveBest">The metric whose best value is kept as best_*.pth: a name such as "accuracy/top1", "auto" for the first metric, or null for none.</param>
/// <param name="Rule">"greater" or "less": which values of SaveBest are better; null to infer it ("greater" for accuracies, "less" for losses).</param>
/// <param name="SaveLast">Also save at the end of training when the interval does not fall there.</param>
/// <param name="ByEpoch">Save after epochs (<c>epoch_N.pth</c>) or, when false, after iterations (<c>iter_N.pth</c>, also in an epoch-based run); an iteration-based run needs false.</param>
/// <param name="SaveBegin">The epoch (or iteration) from which periodic saving starts, mmengine's <c>save_begin</c>: saves fall at SaveBegin, SaveBegin + Interval, ...</param>
public sealed record CheckpointSettings(int Interval, int MaxKeepCheckpoints, string? SaveBest, string? Rule, bool SaveLast, bool ByEpoch = true, int SaveBegin = 0)
{
    /// <summary>
    /// Whether the periodic rule saves after <paramref name="step"/> epochs (or iterations), as
    /// mmengine's every_n_epochs(interval, save_begin): from SaveBegin on, every Interval.
    /// </summary>
    public bool IsSavePoint(int step) => Interval > 0 && step >= SaveBegin && (step - SaveBegin) % Interval == 0;

    /// <summary>mmpretrain's default: every epoch, all kept, no best.</summary>
    public static CheckpointSettings Default { get; } = new(1, -1, null, null, true);

    /// <summary>The file name of a checkpoint saved after <paramref name="epoch"/> epochs or <paramref name="iteration"/> iterations, by <see cref="ByEpoch"/> (mmengine's names).</summary>
    public string FileName(int epoch, int iteration) => ByEpoch ? $"epoch_{epoch}.pth" : $"iter_{iteration}.pth";
}
