namespace ImageClassifier.Hosting.Catalog;

/// <summary>
/// Two different base classes claim the same kind name. Usually a plugin compiled against its own
/// copy of ImageClassifier.Abstractions instead of sharing the host's, which breaks type identity.
/// </summary>
public sealed class ComponentKindConflictException : CatalogException
{
    internal ComponentKindConflictException(string kind, Type knownBase, Type newBase, string newOrigin)
        : base(BuildMessage(kind, knownBase, newBase, newOrigin))
    {
        Kind = kind;
        KnownBase = knownBase;
        NewBase = newBase;
    }

    /// <summary>The contested kind name.</summary>
    public string Kind { get; }

    /// <summary>The base class the catalog already has for the kind.</summary>
    public Type KnownBase { get; }

    /// <summary>The other base class that claimed it.</summary>
    public Type NewBase { get; }

    private static string BuildMessage(string kind, Type knownBase, Type newBase, string newOrigin)
    {
        var sameName = string.Equals(knownBase.FullName, newBase.FullName, StringComparison.Ordinal);
        var hint = sameName
            ? " Both are the same class loaded twice: the plugin must share the host's ImageClassifier.Abstractions rather than ship its own."
            : " A kind's name must belong to one base class; rename the new kind.";
        var newSource = ComponentSource.For(newBase.Assembly, newOrigin);
        var where = newSource.AssemblyLocation is null ? string.Empty : $" ({newSource.AssemblyLocation})";
        return $"Kind '{kind}' is already declared by {TypeNames.Format(knownBase)} from assembly '{knownBase.Assembly.GetName().Name}', " +
            $"but {newOrigin} declares it with {TypeNames.Format(newBase)} from assembly '{newSource.AssemblyName}'{where}.{hint}";
    }
}
