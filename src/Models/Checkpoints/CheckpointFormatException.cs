namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A file could not be read as a PyTorch checkpoint: it is not one, it is damaged or truncated,
/// or its pickle names a global that is not on the reader's allow-list of data-only types.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a complete message.</summary>
    public CheckpointFormatException(string? filePath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file (or stream name) that was being read; null when the checkpoint came from memory.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// The <c>module.name</c> of the global the pickle asked for when the file was refused for
    /// naming something outside the allow-list (for example <c>posix.system</c>); otherwise null.
    /// </summary>
    public string? RefusedGlobal { get; init; }
}
