namespace ImageClassifier.Cli.Commands;

/// <summary>What <c>icls plugins --json</c> writes.</summary>
/// <param name="Directories">The folders searched, in search order.</param>
/// <param name="Loaded">How many plugins loaded.</param>
/// <param name="Failed">How many plugins failed.</param>
/// <param name="Plugins">Every plugin found, in load order.</param>
public sealed record PluginListJson(IReadOnlyList<PluginDirectoryJson> Directories, int Loaded, int Failed, IReadOnlyList<PluginEntryJson> Plugins);
