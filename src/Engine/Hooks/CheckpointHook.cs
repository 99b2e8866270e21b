namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmengine's CheckpointHook (<c>default_hooks.checkpoint</c>): the runner saves checkpoints as its
/// members say, atomically, keeping <c>max_keep_ckpts</c> periodic ones and the best by
/// <c>save_best</c>. Its work is the runner's own, so that a checkpoint is never half-written.
/// </summary>
[RegisterModel]
public sealed partial class CheckpointHook : Hook
{
    /// <summary>Creates the hook.</summary>
    /// <param name="interval">Save every this many epochs, or iterations when by_epoch is false; 0 or less saves only the last.</param>
    /// <param name="maxKeepCkpts">Keep only this many periodic checkpoints; all when 0 or less.</param>
    /// <param name="saveLast">Also save at the end of training when the interval does not fall there.</param>
    /// <param name="saveBest">The metric whose best value is kept as best_*.pth ("accuracy/top1", or "auto" for the first metric); none when null.</param>
    /// <param name="rule">Which values of save_best are better: "greater" or "less"; inferred from the name when null.</param>
    /// <param name="byEpoch">Count interval in epochs and name checkpoints epoch_N.pth, or, when false, in iterations with iter_N.pth (needed by an iteration-based run).</param>
    /// <param name="saveOptimizer">Checkpoints always hold the optimizer's state here, so that resuming is exact.</param>
    /// <param name="saveParamScheduler">Checkpoints always hold the schedulers' state here.</param>
    /// <param name="saveBegin">The epoch (or iteration) from which periodic saving starts: saves fall at save_begin, save_begin + interval, ...</param>
    public CheckpointHook(
        int interval = -1,
        int maxKeepCkpts = -1,
        bool saveLast = true,
        string? saveBest = null,
        [OneOf("greater", "less")] string? rule = null,
        bool byEpoch = true,
        bool saveOptimizer = true,
        bool saveParamScheduler = true,
        [ValueRange(Minimum = 0)] int saveBegin = 0)
    {
        if (rule is not (null or "greater" or "less"))
        {
            throw new ConfigValueException("rule", rule, "\"greater\" or \"less\"");
        }

        _ = (saveOptimizer, saveParamScheduler);
        Settings = new Configuration.CheckpointSettings(interval, maxKeepCkpts, saveBest, rule, saveLast, byEpoch, saveBegin);
    }

    /// <summary>The settings the runner saves by.</summary>
    public Configuration.CheckpointSettings Settings { get; }
}
