using ImageClassifier.Runtime;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// The limits <see cref="TorchCheckpointReader"/> checks against what a checkpoint declares before
/// it allocates or inflates anything: a zip record of a few kilobytes can inflate to gigabytes,
/// and a pickle can declare storages of any size.
/// </summary>
public sealed record CheckpointReadOptions
{
    /// <summary>Sets <see cref="MaxStorageBytes"/> for every read that is not given options.</summary>
    public const string MaxStorageBytesVariable = "ICLS_MAX_CHECKPOINT_BYTES";

    /// <summary>Sets <see cref="MaxPickleBytes"/> for every read that is not given options.</summary>
    public const string MaxPickleBytesVariable = "ICLS_MAX_CHECKPOINT_PICKLE_BYTES";

    /// <summary>
    /// 8 GiB: twice the float32 weights of the largest classifiers mmpretrain ships (about a
    /// billion parameters), yet well below what would exhaust a typical machine.
    /// </summary>
    public const long DefaultMaxStorageBytes = 8L << 30;

    /// <summary>256 MiB: a state dict's pickle is kilobytes; only numpy arrays in the metadata make it bigger.</summary>
    public const long DefaultMaxPickleBytes = 256L << 20;

    /// <summary>The most bytes all tensor storages of one checkpoint may declare together.</summary>
    public long MaxStorageBytes { get; init; } = DefaultMaxStorageBytes;

    /// <summary>The most bytes the pickle (data.pkl) may declare or hold.</summary>
    public long MaxPickleBytes { get; init; } = DefaultMaxPickleBytes;

    /// <summary>The defaults, changed by <see cref="MaxStorageBytesVariable"/> and <see cref="MaxPickleBytesVariable"/> where they are set.</summary>
    /// <exception cref="ArgumentException">A variable holds something other than a limit.</exception>
    public static CheckpointReadOptions FromEnvironment(Func<string, string?>? read = null) => new()
    {
        MaxStorageBytes = SizeLimitVariable.Read(MaxStorageBytesVariable, DefaultMaxStorageBytes, "bytes", read),
        MaxPickleBytes = SizeLimitVariable.Read(MaxPickleBytesVariable, DefaultMaxPickleBytes, "bytes", read),
    };
}
