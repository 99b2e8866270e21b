namespace ImageClassifier.Engine.Configuration;

/// <summary>A setting of a run written in C# is wrong; <see cref="Path"/> names it as a config file would.</summary>
public sealed class RunConfigException : Exception
{
    /// <summary>Creates the error for the setting at <paramref name="path"/>.</summary>
    public RunConfigException(string path, string detail, Exception? inner = null)
        : base($"{path.TrimStart('$', '.')}: {detail}", inner)
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>The setting's JSON path, such as <c>$.train_dataloader.batch_size</c>.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Detail { get; }
}
