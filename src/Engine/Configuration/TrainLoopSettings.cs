namespace ImageClassifier.Engine.Configuration;

/// <summary>The <c>train_cfg</c> section: mmengine's EpochBasedTrainLoop or IterBasedTrainLoop.</summary>
/// <param name="ByEpoch">Count the run, validation and checkpoints in epochs (true) or iterations.</param>
/// <param name="MaxEpochs">The epochs to train, for an epoch-based run.</param>
/// <param name="MaxIterations">The iterations to train, for an iteration-based run.</param>
/// <param name="ValInterval">Validate every this many epochs (or iterations).</param>
/// <param name="ValBegin">The first epoch (or iteration) after which validation may run.</param>
public sealed record TrainLoopSettings(bool ByEpoch, int MaxEpochs, int MaxIterations, int ValInterval, int ValBegin);
