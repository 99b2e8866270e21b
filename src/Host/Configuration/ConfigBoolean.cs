namespace ImageClassifier.Hosting.Configuration;

/// <summary>A JSON <c>true</c> or <c>false</c>.</summary>
public sealed class ConfigBoolean(bool value, SourceLocation location) : ConfigNode(location)
{
    /// <summary>The value.</summary>
    public bool Value { get; } = value;

    /// <inheritdoc/>
    public override ConfigNodeKind Kind => ConfigNodeKind.Boolean;
}
