using System.Collections.Immutable;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>A JSON array. <c>_base_</c> merging replaces arrays whole, as mmengine does with lists.</summary>
public sealed class ConfigArray(ImmutableArray<ConfigNode> items, SourceLocation location) : ConfigNode(location)
{
    /// <summary>The items, in order.</summary>
    public ImmutableArray<ConfigNode> Items { get; } = items.IsDefault ? [] : items;

    /// <inheritdoc/>
    public override ConfigNodeKind Kind => ConfigNodeKind.Array;
}
