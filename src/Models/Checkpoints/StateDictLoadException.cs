namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A state dict could not be loaded as asked: in strict mode its keys or shapes do not match
/// the module (see <see cref="Report"/>), or a prefix selected nothing.
/// </summary>
public sealed class StateDictLoadException : Exception
{
    /// <summary>Creates the exception with a complete message and, for strict loading, its report.</summary>
    public StateDictLoadException(string message, StateDictLoadReport? report = null)
        : base(message)
    {
        Report = report;
    }

    /// <summary>The comparison that failed strict loading; null when the failure came earlier.</summary>
    public StateDictLoadReport? Report { get; }
}
