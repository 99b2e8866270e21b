namespace ImageClassifier.Engine.Configuration;

/// <summary>The origin of a run written in C#: components build from their configs directly, and errors name the setting.</summary>
public sealed class CodeRunOrigin : IRunOrigin
{
    /// <summary>The one instance; it holds no state.</summary>
    public static CodeRunOrigin Instance { get; } = new();

    private CodeRunOrigin()
    {
    }

    /// <inheritdoc />
    public string? Text => null;

    /// <inheritdoc />
    public object Build(string path, ComponentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            return config.BuildComponent();
        }
        catch (ArgumentException error)
        {
            throw new RunConfigException(path, $"'{config.TypeName}' refused its config: {error.Message}", error);
        }
    }

    /// <inheritdoc />
    public Exception Error(string path, string detail) => new RunConfigException(path, detail);
}
