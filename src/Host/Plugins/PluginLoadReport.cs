namespace ImageClassifier.Hosting.Plugins;

/// <summary>What a host found in its plugin folders and what became of each plugin, in load order.</summary>
public sealed class PluginLoadReport
{
    /// <summary>Creates a report.</summary>
    public PluginLoadReport(IReadOnlyList<PluginDirectory> directories, IReadOnlyList<PluginLoadResult> plugins)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(plugins);
        Directories = directories;
        Plugins = plugins;
        Loaded = plugins.Where(plugin => plugin.Status == PluginStatus.Loaded).ToArray();
        Failed = plugins.Where(plugin => plugin.Status == PluginStatus.Failed).ToArray();
    }

    /// <summary>A report of no folders and no plugins.</summary>
    public static PluginLoadReport Empty { get; } = new([], []);

    /// <summary>The folders searched, in search order, including those that do not exist.</summary>
    public IReadOnlyList<PluginDirectory> Directories { get; }

    /// <summary>Every plugin found, loaded or not, in load order.</summary>
    public IReadOnlyList<PluginLoadResult> Plugins { get; }

    /// <summary>The plugins whose components are registered.</summary>
    public IReadOnlyList<PluginLoadResult> Loaded { get; }

    /// <summary>The plugins that failed; nothing of theirs is registered.</summary>
    public IReadOnlyList<PluginLoadResult> Failed { get; }

    /// <summary>The folders that were asked for but could not be searched.</summary>
    public IEnumerable<PluginDirectory> DirectoryProblems => Directories.Where(directory => directory.Problem is not null);

    /// <summary>The first plugin of that name (case ignored), or null.</summary>
    public PluginLoadResult? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Plugins.FirstOrDefault(plugin => string.Equals(plugin.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
