namespace ImageClassifier.Hosting.Plugins;

/// <summary>Which folders to search, and which plugins each holds.</summary>
public static class PluginDiscovery
{
    private const string AssemblyExtension = ".dll";
    private const string DepsExtension = ".deps.json";

    /// <summary>
    /// The folders to search, in order: those the application names (<c>--plugins</c>), those in
    /// <c>ICLS_PLUGINS</c>, the current directory's <c>plugins</c> folder, then the default folder. A
    /// folder reached twice is searched once, at its first place.
    /// </summary>
    public static IReadOnlyList<PluginDirectory> ResolveDirectories(HostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var requested = new List<(string Path, PluginDirectorySource Source)>();
        requested.AddRange(options.PluginDirectories.Select(path => (path, PluginDirectorySource.Explicit)));
        var variable = options.ReadEnvironmentVariable?.Invoke(HostOptions.PluginPathVariable);
        if (!string.IsNullOrWhiteSpace(variable))
        {
            var paths = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            requested.AddRange(paths.Select(path => (path, PluginDirectorySource.EnvironmentVariable)));
        }

        if (!string.IsNullOrWhiteSpace(options.WorkingDirectoryPluginDirectory))
        {
            requested.Add((options.WorkingDirectoryPluginDirectory, PluginDirectorySource.WorkingDirectory));
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultPluginDirectory))
        {
            requested.Add((options.DefaultPluginDirectory, PluginDirectorySource.Default));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var directories = new List<PluginDirectory>();
        foreach (var (path, source) in requested)
        {
            var fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            if (seen.Add(fullPath))
            {
                directories.Add(Describe(fullPath, source));
            }
        }

        return directories;
    }

    /// <summary>
    /// The plugins in <paramref name="directory"/>, sorted by name: one per subfolder, and one per DLL
    /// in the folder's root. Subfolders whose names start with '.' are skipped, and so, in the current
    /// directory's folder, are subfolders that hold no DLL at all.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be listed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be listed.</exception>
    internal static IReadOnlyList<PluginCandidate> FindCandidates(PluginDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var candidates = new List<PluginCandidate>();
        foreach (var folder in System.IO.Directory.EnumerateDirectories(directory.Path))
        {
            var name = Path.GetFileName(folder);
            if (!name.StartsWith('.') && FromFolder(folder, name, directory) is { } candidate)
            {
                candidates.Add(candidate);
            }
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(directory.Path, "*" + AssemblyExtension))
        {
            candidates.Add(new PluginCandidate(Path.GetFileNameWithoutExtension(file), file, PluginLayout.BareAssembly, directory));
        }

        return candidates
            .OrderBy(candidate => candidate.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .ThenBy(candidate => candidate.Layout)
            .ToArray();
    }

    /// <summary>How people name a source: "--plugins", "ICLS_PLUGINS", "./plugins", "default".</summary>
    public static string Label(PluginDirectorySource source) => source switch
    {
        PluginDirectorySource.Explicit => "--plugins",
        PluginDirectorySource.EnvironmentVariable => HostOptions.PluginPathVariable,
        PluginDirectorySource.WorkingDirectory => "./" + HostOptions.DefaultPluginFolderName,
        _ => "default",
    };

    // Nobody asked for these two by name, so their absence is not worth a warning.
    private static bool IsImplicit(PluginDirectorySource source) =>
        source is PluginDirectorySource.WorkingDirectory or PluginDirectorySource.Default;

    private static PluginDirectory Describe(string path, PluginDirectorySource source)
    {
        var exists = System.IO.Directory.Exists(path);
        string? problem = null;
        if (!exists && !IsImplicit(source))
        {
            problem = File.Exists(path)
                ? $"the plugin folder '{path}' ({Label(source)}) is a file, not a folder."
                : $"the plugin folder '{path}' ({Label(source)}) does not exist.";
        }

        return new PluginDirectory(path, source, exists, problem);
    }

    // The main assembly is named like the folder; failing that, it is the one DLL that has a
    // .deps.json, which only an application or plugin project writes, never a plain library.
    // Null for a folder of the current directory's plugins/ without any DLL: run from a repository
    // such as this one, that folder holds the plugins' sources, whose builds are elsewhere.
    private static PluginCandidate? FromFolder(string folder, string name, PluginDirectory directory)
    {
        var named = Path.Combine(folder, name + AssemblyExtension);
        if (File.Exists(named))
        {
            return new PluginCandidate(name, named, PluginLayout.Folder, directory);
        }

        var assemblies = System.IO.Directory.EnumerateFiles(folder, "*" + AssemblyExtension).ToArray();
        if (assemblies.Length == 0 && directory.Source == PluginDirectorySource.WorkingDirectory)
        {
            return null;
        }

        var withDeps = assemblies
            .Where(file => File.Exists(Path.ChangeExtension(file, null) + DepsExtension))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (withDeps.Length == 1)
        {
            return new PluginCandidate(name, withDeps[0], PluginLayout.Folder, directory);
        }

        var problem = withDeps.Length == 0
            ? $"plugin '{name}' has no main assembly: its folder '{folder}' holds neither '{name}{AssemblyExtension}' nor a DLL with a '{DepsExtension}' beside it. " +
              "Put the plugin's build output in a folder named like its main assembly."
            : $"plugin '{name}' has several candidate main assemblies in '{folder}' " +
              $"({string.Join(", ", withDeps.Select(Path.GetFileName))} each have a '{DepsExtension}'). " +
              "Name the folder like the plugin's main assembly.";
        return new PluginCandidate(name, folder, PluginLayout.Folder, directory, problem);
    }
}
