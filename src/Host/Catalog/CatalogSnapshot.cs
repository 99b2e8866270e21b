using System.Collections.Immutable;

namespace ImageClassifier.Hosting.Catalog;

/// <summary>One consistent state of a <see cref="ComponentCatalog"/>; never changes once published.</summary>
/// <param name="Kinds">Kind name to its base class, sorted ordinally.</param>
/// <param name="ByKey">Every name and alias to the registration it finds.</param>
/// <param name="Registrations">The current registrations in the order they arrived.</param>
/// <param name="Overrides">Every registration that replaced another, in the order they arrived.</param>
internal sealed record CatalogSnapshot(
    ImmutableSortedDictionary<string, Type> Kinds,
    ImmutableDictionary<ComponentKey, ComponentRegistration> ByKey,
    ImmutableList<ComponentRegistration> Registrations,
    ImmutableList<ComponentRegistration> Overrides)
{
    /// <summary>The catalog before anything is registered.</summary>
    public static CatalogSnapshot Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, Type>(StringComparer.Ordinal),
        ImmutableDictionary<ComponentKey, ComponentRegistration>.Empty,
        [],
        []);
}
