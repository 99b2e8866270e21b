namespace ImageClassifier.Hosting.Plugins;

/// <summary>One runtime library of a plugin's <c>.deps.json</c>: the plugin itself, a project it references, or a package.</summary>
/// <param name="Name">The library's name ("GoodPlugin.Helpers").</param>
/// <param name="Version">Its version as the manifest writes it ("1.0.0").</param>
/// <param name="Assemblies">Its managed runtime assemblies; none for a package of reference assemblies or native files only.</param>
/// <param name="Dependencies">The names of the libraries it depends on.</param>
internal sealed record PluginDependencyLibrary(
    string Name,
    string Version,
    IReadOnlyList<PluginDependencyAsset> Assemblies,
    IReadOnlyList<string> Dependencies);
