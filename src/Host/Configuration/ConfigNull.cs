namespace ImageClassifier.Hosting.Configuration;

/// <summary>A JSON <c>null</c>.</summary>
public sealed class ConfigNull(SourceLocation location) : ConfigNode(location)
{
    /// <inheritdoc/>
    public override ConfigNodeKind Kind => ConfigNodeKind.Null;
}
