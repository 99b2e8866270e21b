using System.Reflection;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// Loads a plugin's main assembly into a load context of its own: the host's contracts stay shared,
/// the plugin's private dependencies come from its folder. The seam between the host and the loading
/// library, so that tests and embedding applications can watch or replace it.
/// </summary>
public interface IPluginAssemblyLoader
{
    /// <summary>
    /// Loads <paramref name="mainAssemblyPath"/> into a new load context that takes every assembly
    /// named in <paramref name="sharedAssemblyNames"/>, and everything those reference, from the
    /// host, and resolves the plugin's other dependencies from its <c>.deps.json</c> and folder.
    /// The context is never unloaded.
    /// </summary>
    /// <param name="mainAssemblyPath">The full path of the plugin's main assembly.</param>
    /// <param name="sharedAssemblyNames">Simple names of the assemblies whose types the host and the plugin must share.</param>
    /// <returns>The plugin's main assembly; none of its types has been touched.</returns>
    Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<string> sharedAssemblyNames);
}
