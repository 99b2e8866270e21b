using System.Reflection;

namespace ImageClassifier.Hosting.Catalog;

/// <summary>Where a registration came from: who brought it and the assembly that holds the component.</summary>
/// <param name="Origin">Who registered it: "built-in", or a plugin's name.</param>
/// <param name="AssemblyName">The simple name of the component's assembly.</param>
/// <param name="AssemblyVersion">The assembly's version, when it has one.</param>
/// <param name="AssemblyLocation">The assembly's file; null for an assembly loaded from memory.</param>
public sealed record ComponentSource(string Origin, string AssemblyName, string? AssemblyVersion, string? AssemblyLocation)
{
    /// <summary>The source of a component held by <paramref name="assembly"/> and registered by <paramref name="origin"/>.</summary>
    public static ComponentSource For(Assembly assembly, string origin)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var name = assembly.GetName();
        var location = assembly.IsDynamic ? null : assembly.Location;
        return new ComponentSource(
            origin,
            name.Name ?? assembly.FullName ?? "(unnamed assembly)",
            name.Version?.ToString(),
            string.IsNullOrEmpty(location) ? null : location);
    }

    /// <summary>"assembly 'ImageClassifier.Models' 1.0.0.0 (built-in, /app/ImageClassifier.Models.dll)".</summary>
    public override string ToString()
    {
        var version = AssemblyVersion is null ? string.Empty : " " + AssemblyVersion;
        var where = AssemblyLocation is null ? "loaded from memory" : AssemblyLocation;
        return $"assembly '{AssemblyName}'{version} ({Origin}, {where})";
    }
}
