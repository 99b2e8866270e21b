using System.Reflection;
using System.Runtime.Loader;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// Finds the plugins in the plugin folders, checks each against this host from its metadata and its
/// dependency closure from its files, loads it and the private assemblies it needs into its own
/// context and registers its components in the catalog under the plugin's name.
/// A plugin that fails at any step is reported with its reason and leaves nothing registered; the
/// others load regardless.
/// </summary>
internal sealed class PluginManager
{
    private readonly ComponentCatalog _catalog;
    private readonly IPluginAssemblyLoader _loader;
    private readonly Lazy<IReadOnlyDictionary<string, Version>> _hostVersions = new(ReadHostVersions);
    private readonly Lazy<PluginHostAssemblies> _hostAssemblies = new(PluginHostAssemblies.ReadFromProcess);

    public PluginManager(ComponentCatalog catalog, IPluginAssemblyLoader loader)
    {
        _catalog = catalog;
        _loader = loader;
    }

    /// <summary>Loads every plugin of every folder, in folder order, then name order within a folder.</summary>
    public PluginLoadReport LoadAll(IReadOnlyList<PluginDirectory> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var searched = new List<PluginDirectory>(directories.Count);
        var results = new List<PluginLoadResult>();
        var byName = new Dictionary<string, PluginLoadResult>(StringComparer.OrdinalIgnoreCase);
        foreach (var directory in directories)
        {
            if (!directory.Exists)
            {
                searched.Add(directory);
                continue;
            }

            IReadOnlyList<PluginCandidate> candidates;
            try
            {
                candidates = PluginDiscovery.FindCandidates(directory);
                searched.Add(directory);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                searched.Add(directory with { Problem = $"the plugin folder '{directory.Path}' ({PluginDiscovery.Label(directory.Source)}) cannot be read: {exception.Message}" });
                continue;
            }

            foreach (var candidate in candidates)
            {
                if (byName.TryGetValue(candidate.Name, out var first))
                {
                    results.Add(Failed(candidate, PluginLoadStage.Discovery, PluginFailureReasons.Shadowed(candidate.Name, first)));
                    continue;
                }

                var result = Load(candidate);
                if (result is not null)
                {
                    byName.Add(candidate.Name, result);
                    results.Add(result);
                }
            }
        }

        return new PluginLoadReport(searched, results);
    }

    /// <summary>Loads one plugin; null for a DLL in a folder's root that is not a plugin but a bare plugin's dependency.</summary>
    private PluginLoadResult? Load(PluginCandidate candidate)
    {
        if (candidate.Problem is not null)
        {
            return Failed(candidate, PluginLoadStage.Discovery, candidate.Problem);
        }

        PluginAssemblyInfo info;
        try
        {
            info = PluginInspector.Read(candidate.Path);
        }
        catch (Exception exception)
        {
            return Failed(candidate, PluginLoadStage.Inspection, PluginFailureReasons.Unreadable(candidate.Name, candidate.Path, exception), exception);
        }

        if (candidate.Layout == PluginLayout.BareAssembly && !info.References.ContainsKey(PluginSharedAssemblies.Abstractions))
        {
            return null;
        }

        var incompatibility = PluginCompatibility.Check(candidate.Name, info, _hostVersions.Value);
        if (incompatibility is not null)
        {
            return Failed(candidate, PluginLoadStage.Compatibility, incompatibility, info: info);
        }

        var dependencies = PluginDependencyResolver.Resolve(candidate.Name, candidate.Path, info, _hostAssemblies.Value);
        if (dependencies.Problem is not null)
        {
            return Failed(candidate, PluginLoadStage.Dependencies, dependencies.Problem, info: info);
        }

        Assembly assembly;
        try
        {
            assembly = _loader.LoadMainAssembly(candidate.Path, PluginSharedAssemblies.Names);
        }
        catch (Exception exception)
        {
            return Failed(candidate, PluginLoadStage.Loading, PluginFailureReasons.NotLoaded(candidate.Name, candidate.Path, exception), exception, info);
        }

        // Loaded now rather than when a component first touches them, so that a dependency the files
        // promise but the context cannot load fails the plugin here, not a training run later. A
        // loader that put the plugin in the default context resolves its dependencies in a way of its
        // own (a Resolving handler), which asking the default context by name would bypass.
        var context = AssemblyLoadContext.GetLoadContext(assembly);
        var ownContext = context is not null && context != AssemblyLoadContext.Default;
        foreach (var dependency in ownContext ? dependencies.PrivateAssemblies : [])
        {
            try
            {
                context!.LoadFromAssemblyName(new AssemblyName(dependency.Name) { Version = dependency.Version });
            }
            catch (Exception exception)
            {
                var reason = PluginFailureReasons.DependencyNotLoaded(candidate.Name, dependency, exception);
                return Failed(candidate, PluginLoadStage.Loading, reason, exception, info, assembly);
            }
        }

        try
        {
            var registrations = _catalog.RegisterAssembly(assembly, candidate.Name);
            return new PluginLoadResult
            {
                Name = candidate.Name,
                Status = PluginStatus.Loaded,
                Path = candidate.Path,
                Layout = candidate.Layout,
                Directory = candidate.Directory,
                AssemblyName = info.Name,
                Version = info.Version,
                Components = registrations,
                Assembly = assembly,
            };
        }
        catch (Exception exception)
        {
            var reason = PluginFailureReasons.NotRegistered(candidate.Name, candidate.Path, exception);
            return Failed(candidate, PluginLoadStage.Registration, reason, exception, info, assembly);
        }
    }

    private static PluginLoadResult Failed(
        PluginCandidate candidate,
        PluginLoadStage stage,
        string reason,
        Exception? exception = null,
        PluginAssemblyInfo? info = null,
        Assembly? assembly = null) => new()
    {
        Name = candidate.Name,
        Status = PluginStatus.Failed,
        Path = candidate.Path,
        Layout = candidate.Layout,
        Directory = candidate.Directory,
        AssemblyName = info?.Name,
        Version = info?.Version,
        Assembly = assembly,
        FailedStage = stage,
        Reason = reason,
        Exception = exception,
    };

    private static IReadOnlyDictionary<string, Version> ReadHostVersions() =>
        PluginCompatibility.AssembliesToCompare.ToDictionary(name => name, PluginSharedAssemblies.HostVersion, StringComparer.Ordinal);
}
