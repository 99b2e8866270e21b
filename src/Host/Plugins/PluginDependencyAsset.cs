namespace ImageClassifier.Hosting.Plugins;

/// <summary>A managed assembly that a library of a plugin's <c>.deps.json</c> lists among its runtime assets.</summary>
/// <param name="Name">The assembly's simple name: the file's name without ".dll".</param>
/// <param name="RelativePath">
/// Where the loader looks for the file, relative to the plugin's folder: the bare file name for a
/// package's <c>lib/</c> asset (the SDK flattens those into the output), else the listed path.
/// </param>
/// <param name="AssemblyVersion">The assembly version the manifest records, or null when it records none.</param>
internal sealed record PluginDependencyAsset(string Name, string RelativePath, Version? AssemblyVersion);
