namespace ImageClassifier.Cli.Commands;

/// <summary>One searched folder in <c>icls plugins --json</c>.</summary>
/// <param name="Path">The full path.</param>
/// <param name="Source">Why it is searched: "explicit" (<c>--plugins</c>), "environment_variable" (<c>ICLS_PLUGINS</c>), "working_directory" (<c>./plugins</c>) or "default".</param>
/// <param name="Exists">Whether it exists.</param>
/// <param name="Problem">Why it could not be searched, if it could not.</param>
public sealed record PluginDirectoryJson(string Path, string Source, bool Exists, string? Problem);
