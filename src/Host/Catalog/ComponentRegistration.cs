namespace ImageClassifier.Hosting.Catalog;

/// <summary>One component as a catalog holds it: its descriptor and where it came from.</summary>
public sealed class ComponentRegistration
{
    internal ComponentRegistration(ComponentDescriptor descriptor, ComponentSource source, ComponentRegistration? replaced, string? declaredName = null)
    {
        Descriptor = descriptor;
        DeclaredName = declaredName ?? descriptor.Name;
        Source = source;
        Replaced = replaced;
        Aliases = descriptor.Aliases
            .Where(alias => !string.Equals(alias, descriptor.Name, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>What the component's assembly declared.</summary>
    public ComponentDescriptor Descriptor { get; }

    /// <summary>Who registered it and from which assembly.</summary>
    public ComponentSource Source { get; }

    /// <summary>The earlier registration this one overrode, if any; it may itself have replaced another.</summary>
    public ComponentRegistration? Replaced { get; }

    /// <summary>The registry name.</summary>
    public string Name => Descriptor.Name;

    /// <summary>
    /// The name the component's assembly declared: <see cref="Name"/>, except for a plugin's
    /// component whose name a built-in holds, registered as "&lt;plugin&gt;.&lt;name&gt;"
    /// (see <see cref="ComponentCatalog.RegisterAssembly"/>).
    /// </summary>
    public string DeclaredName { get; }

    /// <summary>The kind ("backbone").</summary>
    public string Kind => Descriptor.Kind;

    /// <summary>The other names that find it, without repeats or the name itself.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The name followed by the aliases.</summary>
    internal IEnumerable<string> Keys => Aliases.Prepend(Name);

    /// <summary>"backbone 'ResNet' (ImageClassifier.Models.ResNet from assembly '...' ...)".</summary>
    public override string ToString() => $"{Kind} '{Name}' ({TypeNames.Format(Descriptor.ComponentType)} from {Source})";
}
