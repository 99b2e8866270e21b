namespace ImageClassifier.Hosting.Catalog;

/// <summary>A lookup or listing asked for a kind the catalog does not know.</summary>
public sealed class UnknownComponentKindException : CatalogException
{
    internal UnknownComponentKindException(string kind, IReadOnlyList<string> knownKinds, IReadOnlyList<string> suggestions)
        : base(BuildMessage(kind, knownKinds, suggestions))
    {
        Kind = kind;
        KnownKinds = knownKinds;
        Suggestions = suggestions;
    }

    /// <summary>The kind that was asked for.</summary>
    public string Kind { get; }

    /// <summary>The kinds the catalog knows, sorted.</summary>
    public IReadOnlyList<string> KnownKinds { get; }

    /// <summary>Known kinds close to <see cref="Kind"/>, best first.</summary>
    public IReadOnlyList<string> Suggestions { get; }

    private static string BuildMessage(string kind, IReadOnlyList<string> knownKinds, IReadOnlyList<string> suggestions)
    {
        var known = knownKinds.Count == 0
            ? "The catalog knows no kinds at all."
            : $"Known kinds: {string.Join(", ", knownKinds)}.";
        return $"There is no component kind '{kind}'. {known}{CatalogText.DidYouMean(suggestions)}";
    }
}
