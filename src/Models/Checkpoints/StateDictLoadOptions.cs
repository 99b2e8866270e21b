namespace ImageClassifier.Models.Checkpoints;

/// <summary>How <see cref="StateDictLoader"/> picks and loads a checkpoint's state dict.</summary>
public sealed record StateDictLoadOptions
{
    /// <summary>
    /// Load only the entries under this prefix, with the prefix removed: "backbone" or
    /// "backbone." loads <c>backbone.conv1.weight</c> as <c>conv1.weight</c>. Null loads all.
    /// </summary>
    public string? Prefix { get; init; }

    /// <summary>Throw <see cref="StateDictLoadException"/> on any missing, unexpected or mis-shaped entry, before copying anything.</summary>
    public bool Strict { get; init; }

    /// <summary>Remove a leading <c>module.</c> from every key, as (Distributed)DataParallel adds it.</summary>
    public bool StripDataParallelPrefix { get; init; } = true;
}
