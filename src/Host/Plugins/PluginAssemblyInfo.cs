namespace ImageClassifier.Hosting.Plugins;

/// <summary>What a plugin's main assembly says about itself in its metadata, read without loading it.</summary>
/// <param name="Name">Its simple name.</param>
/// <param name="Version">Its version.</param>
/// <param name="References">The assemblies it was compiled against, by simple name, with the versions it asks for.</param>
/// <param name="HasComponentProvider">Whether it carries ImageClassifier.Abstractions' <c>[assembly: ComponentProvider]</c>.</param>
internal sealed record PluginAssemblyInfo(
    string Name,
    Version Version,
    IReadOnlyDictionary<string, Version> References,
    bool HasComponentProvider);
