namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// The <c>train_cfg</c> section: mmengine's EpochBasedTrainLoop or IterBasedTrainLoop. An
/// iteration-based loop cycles through the training data, one sampler epoch after another, for
/// <paramref name="MaxIterations"/> iterations; as in mmengine, its hooks see it as one epoch.
/// </summary>
/// <param name="ByEpoch">Count the run, validation and checkpoints in epochs (true) or iterations.</param>
/// <param name="MaxEpochs">The epochs to train, for an epoch-based run.</param>
/// <param name="MaxIterations">The iterations to train, for an iteration-based run.</param>
/// <param name="ValInterval">Validate every this many epochs (or iterations).</param>
/// <param name="ValBegin">The first epoch (or iteration) after which validation may run.</param>
/// <param name="DynamicIntervals">mmengine's <c>dynamic_intervals</c>: from each milestone (in increasing order) on, validate every its interval instead; null for none.</param>
public sealed record TrainLoopSettings(bool ByEpoch, int MaxEpochs, int MaxIterations, int ValInterval, int ValBegin, IReadOnlyList<(int Milestone, int Interval)>? DynamicIntervals = null)
{
    /// <summary>
    /// The validation interval in force after <paramref name="completed"/> epochs (or iterations):
    /// as mmengine decides it, that of the last milestone at most <paramref name="completed"/> + 1.
    /// </summary>
    public int ValIntervalAfter(int completed)
    {
        // Indexed: the runner asks every iteration, and an interface's enumerator is an allocation.
        var interval = ValInterval;
        for (var i = 0; i < (DynamicIntervals?.Count ?? 0); i++)
        {
            var (milestone, next) = DynamicIntervals![i];
            if (milestone <= completed + 1)
            {
                interval = next;
            }
        }

        return interval;
    }
}
