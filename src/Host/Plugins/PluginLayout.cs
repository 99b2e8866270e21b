namespace ImageClassifier.Hosting.Plugins;

/// <summary>How a plugin sits in a plugin folder.</summary>
public enum PluginLayout
{
    /// <summary>A subfolder of its own holding the main assembly, its <c>.deps.json</c> and its private dependencies.</summary>
    Folder,

    /// <summary>A single DLL in the plugin folder's root.</summary>
    BareAssembly,
}
