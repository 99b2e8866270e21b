namespace ImageClassifier.Hosting.Plugins;

/// <summary>A folder searched for plugins.</summary>
/// <param name="Path">The full path.</param>
/// <param name="Source">Why it is searched.</param>
/// <param name="Exists">Whether it existed when the host started.</param>
/// <param name="Problem">
/// Why it could not be searched, one paragraph; null when it was searched, and for a missing
/// <c>./plugins</c> or default folder, which is not a problem.
/// </param>
public sealed record PluginDirectory(string Path, PluginDirectorySource Source, bool Exists, string? Problem = null);
