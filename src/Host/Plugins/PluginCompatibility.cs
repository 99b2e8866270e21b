namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// Decides from a plugin's metadata alone whether this host can load it: the versions of the shared
/// assemblies it was built against, its target framework, and whether it registers anything at all.
/// </summary>
internal static class PluginCompatibility
{
    /// <summary>The assembly whose version tells the .NET version a plugin targets.</summary>
    public const string FrameworkAssembly = "System.Runtime";

    // How many leading parts of the version must equal the host's. TorchSharp breaks its API
    // between minor versions (0.106 to 0.107), ImageClassifier.Abstractions only between majors.
    private static readonly (string Assembly, int SameParts, string Rule)[] Rules =
    [
        (PluginSharedAssemblies.Abstractions, 1, "the same major version"),
        (PluginSharedAssemblies.TorchSharp, 2, "the same major and minor version"),
        (PluginSharedAssemblies.Models, 1, "the same major version"),
    ];

    /// <summary>The assemblies whose host versions <see cref="Check"/> needs.</summary>
    public static IEnumerable<string> AssembliesToCompare => Rules.Select(rule => rule.Assembly).Append(FrameworkAssembly);

    /// <summary>Why the plugin cannot be loaded, one paragraph naming it; null when it can.</summary>
    /// <param name="pluginName">The plugin's name.</param>
    /// <param name="plugin">Its main assembly's metadata.</param>
    /// <param name="hostVersions">The host's version of each of <see cref="AssembliesToCompare"/>.</param>
    public static string? Check(string pluginName, PluginAssemblyInfo plugin, IReadOnlyDictionary<string, Version> hostVersions)
    {
        if (PluginSharedAssemblies.Names.Contains(plugin.Name, StringComparer.OrdinalIgnoreCase))
        {
            return $"plugin '{pluginName}' is a copy of the host's own assembly '{plugin.Name}', not a plugin; remove it from the plugin folder.";
        }

        foreach (var (assembly, sameParts, rule) in Rules)
        {
            if (plugin.References.TryGetValue(assembly, out var built) && hostVersions.TryGetValue(assembly, out var host))
            {
                var newer = built > host;
                if (!SameLeadingParts(built, host, sameParts) || newer)
                {
                    var which = newer && SameLeadingParts(built, host, sameParts) ? ", which is older" : string.Empty;
                    return $"plugin '{pluginName}' was built against {assembly} {Format(built)}; this host has {Format(host)}{which}. " +
                        $"A plugin must be built against {rule} of {assembly} as the host ({Wildcard(host, sameParts)}), " +
                        $"no later than the host's: rebuild it against {assembly} {Format(host)}.";
                }
            }
        }

        if (plugin.References.TryGetValue(FrameworkAssembly, out var targeted)
            && hostVersions.TryGetValue(FrameworkAssembly, out var running)
            && targeted > running)
        {
            return $"plugin '{pluginName}' targets .NET {targeted.Major}.{targeted.Minor}; this host runs on .NET {running.Major}.{running.Minor}. " +
                $"Build the plugin for .NET {running.Major}.{running.Minor} or earlier.";
        }

        if (!plugin.References.ContainsKey(PluginSharedAssemblies.Abstractions))
        {
            return $"plugin '{pluginName}' does not reference {PluginSharedAssemblies.Abstractions}, so it cannot register components: " +
                $"build it against {PluginSharedAssemblies.Abstractions} {Wildcard(hostVersions[PluginSharedAssemblies.Abstractions], 1)}.";
        }

        if (!plugin.HasComponentProvider)
        {
            return $"plugin '{pluginName}' has no [assembly: ComponentProvider] attribute from {PluginSharedAssemblies.Abstractions}, " +
                "so it registers no components: mark its components [RegisterModel] and reference ImageClassifier.Generators as an analyzer, which writes the attribute.";
        }

        return null;
    }

    /// <summary>"2.0.0": major, minor and build, as package versions are written.</summary>
    public static string Format(Version version) => $"{version.Major}.{version.Minor}.{Math.Max(version.Build, 0)}";

    private static string Wildcard(Version version, int sameParts) =>
        sameParts == 1 ? $"{version.Major}.x" : $"{version.Major}.{version.Minor}.x";

    private static bool SameLeadingParts(Version left, Version right, int parts) =>
        left.Major == right.Major && (parts < 2 || left.Minor == right.Minor);
}
