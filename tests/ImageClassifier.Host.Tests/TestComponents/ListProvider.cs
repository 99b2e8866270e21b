namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>A provider over a fixed list, for registering several descriptors in one call.</summary>
public sealed class ListProvider(params ComponentDescriptor[] components) : IComponentProvider
{
    public IReadOnlyList<ComponentDescriptor> Components { get; } = components;
}
