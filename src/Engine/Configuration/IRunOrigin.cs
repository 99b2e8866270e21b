namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// Where a <see cref="RunDefinition"/> came from: builds its components and turns a problem with a
/// setting into an error that points at the user's own text. A config bound from JSON points at
/// file, line and column; a config written in C# names the setting (<see cref="CodeRunOrigin"/>).
/// </summary>
/// <remarks>
/// Paths are JSON paths in mmpretrain's layout (<c>$.train_dataloader.batch_size</c>,
/// <c>$.param_scheduler[0]</c>), whatever the origin, so the engine words its errors once.
/// </remarks>
public interface IRunOrigin
{
    /// <summary>The config as text, stored in checkpoints as mmengine's <c>meta.cfg</c>; null when there is none.</summary>
    string? Text { get; }

    /// <summary>Builds the component configured at <paramref name="path"/>.</summary>
    /// <exception cref="Exception">The component refused its config: an error naming <paramref name="path"/>.</exception>
    object Build(string path, ComponentConfig config);

    /// <summary>An error about the setting at <paramref name="path"/>, for the caller to throw.</summary>
    Exception Error(string path, string detail);
}
