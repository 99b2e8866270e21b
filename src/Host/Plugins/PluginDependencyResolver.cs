namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// Resolves a plugin's whole dependency closure from its files, before any of it is loaded: every
/// assembly its main assembly references, and recursively every assembly those reference (read from
/// their metadata), and every managed assembly its <c>.deps.json</c> lists. Each must be shared by the
/// host, be in the plugin's folder, or be part of the .NET runtime, in the order the plugin loader
/// looks, and at a version no lower than the one referenced, since .NET does not bind a reference to
/// an older version.
/// </summary>
internal static class PluginDependencyResolver
{
    private const string AssemblyExtension = ".dll";

    /// <summary>Resolves the closure of the plugin whose main assembly is <paramref name="mainAssemblyPath"/>.</summary>
    /// <param name="pluginName">The plugin's name, for the reason.</param>
    /// <param name="mainAssemblyPath">The main assembly's file.</param>
    /// <param name="main">The main assembly's metadata.</param>
    /// <param name="host">What the host provides.</param>
    public static PluginDependencyResolution Resolve(string pluginName, string mainAssemblyPath, PluginAssemblyInfo main, PluginHostAssemblies host)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(mainAssemblyPath))!;
        PluginDependencyManifest? manifest;
        try
        {
            manifest = PluginDependencyManifest.ReadBeside(mainAssemblyPath);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new PluginDependencyResolution([], PluginFailureReasons.UnresolvedDependencies(pluginName, [PluginFailureReasons.ManifestUnreadable(exception.Message)]));
        }

        var walk = new Walk(folder, main.Name, host, Listed(manifest, main.Name));
        walk.Require(main.References, $"referenced by {main.Name} {main.Version}");
        walk.Drain();

        // What the manifest lists beyond the references (loaded by reflection, say) must be shipped too.
        if (manifest is not null)
        {
            foreach (var (asset, library) in walk.Listed.Values)
            {
                walk.Ship(asset, $"listed for {library.Name} {library.Version} in {Path.GetFileName(manifest.Path)}");
            }

            walk.Drain();
        }

        return walk.Problems.Count == 0
            ? new PluginDependencyResolution([.. walk.Private.Values], null)
            : new PluginDependencyResolution([], PluginFailureReasons.UnresolvedDependencies(pluginName, walk.Problems));
    }

    // The managed assemblies of the libraries the plugin's own library needs, by assembly name; the
    // main assembly itself is not a dependency.
    private static Dictionary<string, (PluginDependencyAsset Asset, PluginDependencyLibrary Library)> Listed(PluginDependencyManifest? manifest, string mainName)
    {
        var listed = new Dictionary<string, (PluginDependencyAsset, PluginDependencyLibrary)>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in manifest?.ClosureOf(mainName) ?? [])
        {
            foreach (var asset in library.Assemblies.Where(asset => !string.Equals(asset.Name, mainName, StringComparison.OrdinalIgnoreCase)))
            {
                listed.TryAdd(asset.Name, (asset, library));
            }
        }

        return listed;
    }

    /// <summary>One resolution: what was found in the plugin's folder, what is wrong, and what is still to check.</summary>
    private sealed class Walk(
        string folder,
        string mainName,
        PluginHostAssemblies host,
        Dictionary<string, (PluginDependencyAsset Asset, PluginDependencyLibrary Library)> listed)
    {
        private readonly Queue<(string Name, Version Version, string RequiredBy)> _pending = new();
        private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyDictionary<string, (PluginDependencyAsset Asset, PluginDependencyLibrary Library)> Listed => listed;

        public Dictionary<string, PluginDependency> Private { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Problems { get; } = [];

        public void Require(IReadOnlyDictionary<string, Version> references, string requiredBy)
        {
            foreach (var (name, version) in references)
            {
                _pending.Enqueue((name, version, requiredBy));
            }
        }

        /// <summary>A listed assembly the host does not provide must be in the folder, at the version listed.</summary>
        public void Ship(PluginDependencyAsset asset, string listedFor)
        {
            if (Private.ContainsKey(asset.Name) || _reported.Contains(asset.Name)
                || host.TryGetShared(asset.Name, out _) || host.TryGetFramework(asset.Name, out _))
            {
                return;
            }

            var path = Path.Combine(folder, asset.RelativePath);
            if (!File.Exists(path))
            {
                Report(asset.Name, PluginFailureReasons.DependencyMissing(asset.Name, asset.AssemblyVersion, listedFor, path));
                return;
            }

            Add(asset.Name, asset.AssemblyVersion ?? new Version(0, 0), listedFor, path);
        }

        public void Drain()
        {
            while (_pending.TryDequeue(out var reference))
            {
                Resolve(reference.Name, reference.Version, reference.RequiredBy);
            }
        }

        // The plugin loader's order: the host's shared closure, then the plugin's folder (where its
        // manifest says, else by name), then the default context, whose only promise is the runtime.
        private void Resolve(string name, Version wanted, string requiredBy)
        {
            if (_reported.Contains(name) || string.Equals(name, mainName, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (host.TryGetShared(name, out var shared))
            {
                if (shared < wanted)
                {
                    Report(name, PluginFailureReasons.SharedDependencyTooOld(name, wanted, requiredBy, shared));
                }

                return;
            }

            if (Private.TryGetValue(name, out var found))
            {
                if (found.Version < wanted)
                {
                    Report(name, PluginFailureReasons.DependencyTooOld(name, wanted, requiredBy, found.Path, found.Version));
                }

                return;
            }

            var path = Path.Combine(folder, listed.TryGetValue(name, out var entry) ? entry.Asset.RelativePath : name + AssemblyExtension);
            if (File.Exists(path))
            {
                Add(name, wanted, requiredBy, path);
            }
            else if (host.TryGetFramework(name, out var framework))
            {
                if (framework < wanted)
                {
                    Report(name, PluginFailureReasons.FrameworkDependencyTooOld(name, wanted, requiredBy, framework));
                }
            }
            else
            {
                Report(name, PluginFailureReasons.DependencyMissing(name, wanted, requiredBy, path));
            }
        }

        private void Add(string name, Version wanted, string requiredBy, string path)
        {
            PluginAssemblyInfo info;
            try
            {
                info = PluginInspector.Read(path);
            }
            catch (Exception exception) when (exception is BadImageFormatException or IOException or UnauthorizedAccessException)
            {
                Report(name, PluginFailureReasons.DependencyUnreadable(name, requiredBy, path, exception));
                return;
            }

            if (!string.Equals(info.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                Report(name, PluginFailureReasons.DependencyMisnamed(name, requiredBy, path, info.Name));
                return;
            }

            if (info.Version < wanted)
            {
                Report(name, PluginFailureReasons.DependencyTooOld(name, wanted, requiredBy, path, info.Version));
                return;
            }

            Private.Add(name, new PluginDependency(info.Name, info.Version, path));
            Require(info.References, $"referenced by {info.Name} {info.Version}");
        }

        private void Report(string name, string problem)
        {
            if (_reported.Add(name))
            {
                Problems.Add(problem);
            }
        }
    }
}
