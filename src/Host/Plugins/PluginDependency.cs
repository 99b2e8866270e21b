namespace ImageClassifier.Hosting.Plugins;

/// <summary>An assembly a plugin ships in its folder and needs, found and checked from its metadata.</summary>
/// <param name="Name">Its simple name.</param>
/// <param name="Version">The file's assembly version.</param>
/// <param name="Path">The file.</param>
internal sealed record PluginDependency(string Name, Version Version, string Path);
