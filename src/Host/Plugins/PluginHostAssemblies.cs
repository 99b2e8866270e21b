using System.Reflection;
using System.Runtime.Loader;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// What the host gives a plugin in place of a copy of its own: the shared assemblies with everything
/// they reference, which the plugin loader takes from the host for every plugin, and the assemblies
/// of the .NET runtime. Everything else a plugin needs must be in its folder.
/// </summary>
internal sealed class PluginHostAssemblies
{
    private readonly IReadOnlyDictionary<string, Version> _shared;
    private readonly IReadOnlyDictionary<string, string> _framework;
    private readonly Dictionary<string, Version?> _frameworkVersions = new(StringComparer.OrdinalIgnoreCase);

    private PluginHostAssemblies(IReadOnlyDictionary<string, Version> shared, IReadOnlyDictionary<string, string> framework)
    {
        _shared = shared;
        _framework = framework;
    }

    /// <summary>
    /// Reads them from this process: the shared closure is loaded into the default context, as the
    /// plugin loader does when it prepares each plugin's context.
    /// </summary>
    public static PluginHostAssemblies ReadFromProcess() => new(ReadSharedClosure(), ReadFramework());

    /// <summary>Whether the loader takes <paramref name="name"/> from the host for every plugin, and the host's version of it.</summary>
    public bool TryGetShared(string name, out Version version) => _shared.TryGetValue(name, out version!);

    /// <summary>Whether the .NET runtime the host runs on has <paramref name="name"/>, and its version.</summary>
    public bool TryGetFramework(string name, out Version version)
    {
        version = new Version(0, 0);
        if (!_framework.TryGetValue(name, out var path))
        {
            return false;
        }

        if (!_frameworkVersions.TryGetValue(name, out var known))
        {
            try
            {
                known = AssemblyName.GetAssemblyName(path).Version;
            }
            catch (Exception exception) when (exception is IOException or BadImageFormatException or UnauthorizedAccessException)
            {
                known = null;
            }

            _frameworkVersions[name] = known;
        }

        version = known ?? version;
        return known is not null;
    }

    // McMaster.NETCore.Plugins shares a named assembly together with everything it references,
    // walked in the default context; the same walk gives the same set.
    private static Dictionary<string, Version> ReadSharedClosure()
    {
        var shared = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<AssemblyName>(PluginSharedAssemblies.Names.Select(name => new AssemblyName(name)));
        while (pending.TryDequeue(out var name))
        {
            if (name.Name is null || shared.ContainsKey(name.Name))
            {
                continue;
            }

            Assembly assembly;
            try
            {
                assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(name);
            }
            catch (Exception exception) when (exception is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // The loader skips what the host cannot load either; a plugin needing it is told it is missing.
                continue;
            }

            shared.Add(name.Name, assembly.GetName().Version ?? new Version(0, 0));
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                pending.Enqueue(reference);
            }
        }

        return shared;
    }

    // The trusted platform assemblies hold the host application's own dependencies too; only those
    // under the shared framework folder are the runtime's, which every host of this library has.
    // Without a framework folder (a self-contained host) every trusted assembly is taken as the runtime's.
    private static Dictionary<string, string> ReadFramework()
    {
        var framework = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var coreLibrary = typeof(object).Assembly.Location;
        var sharedFolder = string.IsNullOrEmpty(coreLibrary) ? null : Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(coreLibrary)));
        foreach (var path in trusted)
        {
            if (sharedFolder is null || path.StartsWith(sharedFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                framework.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        return framework;
    }
}
