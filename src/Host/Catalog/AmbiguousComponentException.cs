namespace ImageClassifier.Hosting.Catalog;

/// <summary>A name looked up without a kind names components of several kinds.</summary>
public sealed class AmbiguousComponentException : CatalogException
{
    internal AmbiguousComponentException(string name, IReadOnlyList<ComponentRegistration> matches)
        : base(BuildMessage(name, matches))
    {
        Name = name;
        Matches = matches;
    }

    /// <summary>The name that was looked up.</summary>
    public string Name { get; }

    /// <summary>The registrations it names, sorted by kind.</summary>
    public IReadOnlyList<ComponentRegistration> Matches { get; }

    /// <summary>The kinds it names a component of.</summary>
    public IReadOnlyList<string> Kinds => Matches.Select(match => match.Kind).ToArray();

    private static string BuildMessage(string name, IReadOnlyList<ComponentRegistration> matches)
    {
        var listed = matches.Select(match =>
            $"{CatalogText.WithArticle(match.Kind)} ({TypeNames.Format(match.Descriptor.ComponentType)}, {match.Source.Origin})");
        return $"'{name}' names components of several kinds: {CatalogText.JoinAnd(listed)}. Give the kind to pick one.";
    }
}
