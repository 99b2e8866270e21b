namespace ImageClassifier.Cli.Commands;

/// <summary>What <c>icls</c> exits with.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed while running: a broken plugin, a missing file, a bug.</summary>
    public const int Failure = 1;

    /// <summary>
    /// The input was wrong: an unknown name or kind, bad usage, a config error, or (for
    /// <c>icls validate</c>) a plugin that failed to load.
    /// </summary>
    public const int BadInput = 2;
}
