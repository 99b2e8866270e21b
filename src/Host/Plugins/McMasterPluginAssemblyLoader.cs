using System.Reflection;
using McMaster.NETCore.Plugins;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// <see cref="IPluginAssemblyLoader"/> over McMaster.NETCore.Plugins: one non-collectible
/// <c>AssemblyLoadContext</c> per plugin that prefers the host's copy of every shared assembly and
/// reads the plugin's <c>.deps.json</c> for the rest.
/// </summary>
public sealed class McMasterPluginAssemblyLoader : IPluginAssemblyLoader
{
    /// <inheritdoc />
    public Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<string> sharedAssemblyNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mainAssemblyPath);
        ArgumentNullException.ThrowIfNull(sharedAssemblyNames);

        var loader = PluginLoader.CreateFromAssemblyFile(Path.GetFullPath(mainAssemblyPath), config =>
        {
            // Never collectible: TorchSharp's native module handles and System.Text.Json's metadata
            // caches keep references to plugin types for the life of the process.
            config.IsUnloadable = false;
            config.EnableHotReload = false;

            // Only the named assemblies (and what they reference) are unified with the host; anything
            // else the plugin ships stays its own, so two plugins may use different versions of it.
            config.PreferSharedTypes = false;
            foreach (var name in sharedAssemblyNames)
            {
                config.SharedAssemblies.Add(new AssemblyName(name));
            }
        });

        return loader.LoadDefaultAssembly();
    }
}
