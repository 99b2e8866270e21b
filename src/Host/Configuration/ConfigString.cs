namespace ImageClassifier.Hosting.Configuration;

/// <summary>A JSON string (escapes already resolved).</summary>
public sealed class ConfigString(string value, SourceLocation location) : ConfigNode(location)
{
    /// <summary>The unescaped text.</summary>
    public string Value { get; } = value;

    /// <inheritdoc/>
    public override ConfigNodeKind Kind => ConfigNodeKind.String;
}
