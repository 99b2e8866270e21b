namespace ImageClassifier.Cli.Commands;

/// <summary>One component a plugin registered, in <c>icls plugins --json</c>.</summary>
/// <param name="Name">The registry name.</param>
/// <param name="Kind">The kind.</param>
public sealed record PluginComponentJson(string Name, string Kind);
