namespace ImageClassifier.Hosting.Catalog;

/// <summary>No component of the asked kind is registered under the asked name or alias.</summary>
public sealed class ComponentNotFoundException : CatalogException
{
    internal ComponentNotFoundException(string name, string? kind, IReadOnlyList<string> suggestions, IReadOnlyList<string> otherKinds, string message)
        : base(message)
    {
        Name = name;
        Kind = kind;
        Suggestions = suggestions;
        OtherKinds = otherKinds;
    }

    /// <summary>The name that was looked up.</summary>
    public string Name { get; }

    /// <summary>The kind it was looked up in; null when any kind would have done.</summary>
    public string? Kind { get; }

    /// <summary>Registered names close to <see cref="Name"/>, best first (at most three).</summary>
    public IReadOnlyList<string> Suggestions { get; }

    /// <summary>The other kinds that do hold a component named exactly <see cref="Name"/>.</summary>
    public IReadOnlyList<string> OtherKinds { get; }
}
