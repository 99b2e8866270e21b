namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// Resolves a plugin's whole dependency closure from its files, before any of it is loaded: every
/// assembly its main assembly references, and recursively every assembly those reference (read from
/// their metadata), and every managed assembly its <c>.deps.json</c> lists. Each must be shared by the
/// host, be in the plugin's folder, or be part of the .NET runtime, in the order the plugin loader
/// looks, and at a version no lower than the one referenced, since .NET does not bind a reference to
/// an older version. One instance is one resolution.
/// </summary>
internal sealed class PluginDependencyResolver
{
    private const string AssemblyExtension = ".dll";

    private readonly string _folder;
    private readonly string _mainName;
    private readonly PluginHostAssemblies _host;
    private readonly Dictionary<string, (PluginDependencyAsset Asset, PluginDependencyLibrary Library)> _listed;
    private readonly Queue<(string Name, Version Version, string RequiredBy)> _pending = new();
    private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PluginDependency> _private = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _problems = [];

    private PluginDependencyResolver(
        string folder,
        string mainName,
        PluginHostAssemblies host,
        Dictionary<string, (PluginDependencyAsset Asset, PluginDependencyLibrary Library)> listed)
    {
        _folder = folder;
        _mainName = mainName;
        _host = host;
        _listed = listed;
    }

    /// <summary>Resolves the closure of the plugin whose main assembly is <paramref name="mainAssemblyPath"/>.</summary>
    /// <param name="pluginName">The plugin's name, for the reason.</param>
    /// <param name="mainAssemblyPath">The main assembly's file.</param>
    /// <param name="main">The main assembly's metadata.</param>
    /// <param name="host">What the host provides.</param>
    public static PluginDependencyResolution Resolve(string pluginName, string mainAssemblyPath, PluginAssemblyInfo main, PluginHostAssemblies host)
    {
        PluginDependencyManifest? manifest;
        try
        {
            manifest = PluginDependencyManifest.ReadBeside(mainAssemblyPath);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new PluginDependencyResolution([], PluginFailureReasons.UnresolvedDependencies(pluginName, [PluginFailureReasons.ManifestUnreadable(exception.Message)]));
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(mainAssemblyPath))!;
        var resolver = new PluginDependencyResolver(folder, main.Name, host, Listed(manifest, main.Name));
        resolver.Require(main.References, $"referenced by {main.Name} {main.Version}");
        resolver.Drain();

        // What the manifest lists beyond the references (loaded by reflection, say) must be shipped too.
        if (manifest is not null)
        {
            foreach (var (asset, library) in resolver._listed.Values)
            {
                resolver.Ship(asset, $"listed for {library.Name} {library.Version} in {Path.GetFileName(manifest.Path)}");
            }

            resolver.Drain();
        }

        return resolver._problems.Count == 0
            ? new PluginDependencyResolution([.. resolver._private.Values], null)
            : new PluginDependencyResolution([], PluginFailureReasons.UnresolvedDependencies(pluginName, resolver._problems));
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

    private void Require(IReadOnlyDictionary<string, Version> references, string requiredBy)
    {
        foreach (var (name, version) in references)
        {
            _pending.Enqueue((name, version, requiredBy));
        }
    }

    private void Drain()
    {
        while (_pending.TryDequeue(out var reference))
        {
            ResolveReference(reference.Name, reference.Version, reference.RequiredBy);
        }
    }

    // A listed assembly the host does not provide must be in the folder, at the version listed.
    private void Ship(PluginDependencyAsset asset, string listedFor)
    {
        if (_private.ContainsKey(asset.Name) || _reported.Contains(asset.Name)
            || _host.TryGetShared(asset.Name, out _) || _host.TryGetFramework(asset.Name, out _))
        {
            return;
        }

        var path = Path.Combine(_folder, asset.RelativePath);
        if (File.Exists(path))
        {
            Add(asset.Name, asset.AssemblyVersion ?? new Version(0, 0), listedFor, path);
        }
        else
        {
            Report(asset.Name, PluginFailureReasons.DependencyMissing(asset.Name, asset.AssemblyVersion, listedFor, path));
        }
    }

    // The plugin loader's order: the host's shared closure, then the plugin's folder (where its
    // manifest says, else by name), then the default context, whose only promise is the runtime.
    private void ResolveReference(string name, Version wanted, string requiredBy)
    {
        if (_reported.Contains(name) || string.Equals(name, _mainName, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (_host.TryGetShared(name, out var shared))
        {
            if (shared < wanted)
            {
                Report(name, PluginFailureReasons.SharedDependencyTooOld(name, wanted, requiredBy, shared));
            }

            return;
        }

        if (_private.TryGetValue(name, out var found))
        {
            if (found.Version < wanted)
            {
                Report(name, PluginFailureReasons.DependencyTooOld(name, wanted, requiredBy, found.Path, found.Version));
            }

            return;
        }

        var path = Path.Combine(_folder, _listed.TryGetValue(name, out var entry) ? entry.Asset.RelativePath : name + AssemblyExtension);
        if (File.Exists(path))
        {
            Add(name, wanted, requiredBy, path);
        }
        else if (_host.TryGetFramework(name, out var framework))
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

    // A file of the plugin's folder joins the closure once its metadata says it is what was asked for;
    // what it references is resolved in turn.
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
        }
        else if (info.Version < wanted)
        {
            Report(name, PluginFailureReasons.DependencyTooOld(name, wanted, requiredBy, path, info.Version));
        }
        else
        {
            _private.Add(name, new PluginDependency(info.Name, info.Version, path));
            Require(info.References, $"referenced by {info.Name} {info.Version}");
        }
    }

    private void Report(string name, string problem)
    {
        if (_reported.Add(name))
        {
            _problems.Add(problem);
        }
    }
}
