namespace ImageClassifier.Cli.Commands;

/// <summary>One plugin in <c>icls plugins --json</c>.</summary>
/// <param name="Name">The plugin's name, its components' origin.</param>
/// <param name="Status">"loaded" or "failed".</param>
/// <param name="Stage">Where it failed: "discovery", "inspection", "compatibility", "dependencies", "loading" or "registration"; null when loaded.</param>
/// <param name="Path">Its main assembly, or its folder when none was found.</param>
/// <param name="Layout">"folder" or "bare_assembly".</param>
/// <param name="Directory">The plugin folder it was found in.</param>
/// <param name="AssemblyName">Its main assembly's name, when it could be read.</param>
/// <param name="Version">Its main assembly's version, when it could be read.</param>
/// <param name="ComponentCount">How many components it registered.</param>
/// <param name="Components">The components it registered, in registration order.</param>
/// <param name="Reason">Why it failed, one paragraph; null when loaded.</param>
public sealed record PluginEntryJson(
    string Name,
    string Status,
    string? Stage,
    string Path,
    string Layout,
    string Directory,
    string? AssemblyName,
    string? Version,
    int ComponentCount,
    IReadOnlyList<PluginComponentJson> Components,
    string? Reason);
