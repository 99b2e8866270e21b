namespace ImageClassifier.Hosting.Catalog;

/// <summary>
/// A component was registered under a name (or alias) that another component of the same kind
/// already holds, and it did not ask to override it.
/// </summary>
public sealed class DuplicateComponentException : CatalogException
{
    internal DuplicateComponentException(string kind, string name, ComponentRegistration existing, ComponentRegistration rejected)
        : base(BuildMessage(kind, name, existing, rejected))
    {
        Kind = kind;
        Name = name;
        Existing = existing;
        Rejected = rejected;
    }

    /// <summary>The kind both components belong to.</summary>
    public string Kind { get; }

    /// <summary>The name or alias they share.</summary>
    public string Name { get; }

    /// <summary>The registration that holds the name.</summary>
    public ComponentRegistration Existing { get; }

    /// <summary>The registration that was refused; the catalog does not hold it.</summary>
    public ComponentRegistration Rejected { get; }

    private static string BuildMessage(string kind, string name, ComponentRegistration existing, ComponentRegistration rejected)
    {
        var how = string.Equals(existing.Name, name, StringComparison.Ordinal)
            ? string.Empty
            : $" (as an alias of '{existing.Name}')";
        return $"Duplicate {kind} '{name}': it is already registered{how} by {TypeNames.Format(existing.Descriptor.ComponentType)} " +
            $"from {existing.Source}, and {TypeNames.Format(rejected.Descriptor.ComponentType)} from {rejected.Source} " +
            $"registers it again. Rename one of them, or mark the later one [RegisterModel(Override = true)] to replace the earlier.";
    }
}
