namespace ImageClassifier.Hosting.Plugins;

/// <summary>A plugin found in a plugin folder, not yet inspected.</summary>
/// <param name="Name">The folder's name, or the bare DLL's name without ".dll".</param>
/// <param name="Path">The main assembly's file; the plugin's folder when <paramref name="Problem"/> says none was found.</param>
/// <param name="Layout">A folder of its own or a bare DLL.</param>
/// <param name="Directory">The plugin folder it was found in.</param>
/// <param name="Problem">Why no main assembly could be chosen, or null.</param>
internal sealed record PluginCandidate(string Name, string Path, PluginLayout Layout, PluginDirectory Directory, string? Problem = null);
