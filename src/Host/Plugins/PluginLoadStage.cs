namespace ImageClassifier.Hosting.Plugins;

/// <summary>The steps of loading a plugin, in order; a failed plugin names the one it failed at.</summary>
public enum PluginLoadStage
{
    /// <summary>Finding the plugin's main assembly in its folder.</summary>
    Discovery,

    /// <summary>Reading the main assembly's metadata from the file, without loading it.</summary>
    Inspection,

    /// <summary>Checking, from that metadata, that the plugin was built against what this host has.</summary>
    Compatibility,

    /// <summary>
    /// Resolving, from the files alone, every assembly the plugin needs (its <c>.deps.json</c> and,
    /// recursively, each assembly's references): each shared by the host, in the plugin's folder or
    /// part of the .NET runtime, at a version no lower than referenced.
    /// </summary>
    Dependencies,

    /// <summary>Loading the main assembly and the private assemblies it needs into the plugin's load context.</summary>
    Loading,

    /// <summary>Creating the plugin's component provider and registering its components.</summary>
    Registration,
}
