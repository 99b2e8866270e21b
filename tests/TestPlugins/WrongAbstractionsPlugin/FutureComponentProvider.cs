using ImageClassifier;
using WrongAbstractionsPlugin;

[assembly: ComponentProvider(typeof(FutureComponentProvider))]

namespace WrongAbstractionsPlugin;

/// <summary>A provider written to the 2.0 contract; a 1.x host must never create it.</summary>
public sealed class FutureComponentProvider : IComponentProvider
{
    /// <summary>Fails loudly, so that a host that wrongly created it would notice.</summary>
    public FutureComponentProvider()
    {
        throw new InvalidOperationException("A host refused this plugin for its Abstractions version, yet created its provider.");
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ComponentNames => [];
}
