namespace ImageClassifier.Hosting.Plugins;

/// <summary>What became of a plugin the host found.</summary>
public enum PluginStatus
{
    /// <summary>Loaded, and all of its components registered.</summary>
    Loaded,

    /// <summary>Not loaded, or loaded but none of its components registered; the result says why.</summary>
    Failed,
}
