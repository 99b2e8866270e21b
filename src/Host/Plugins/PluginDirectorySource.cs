namespace ImageClassifier.Hosting.Plugins;

/// <summary>Why a folder is searched for plugins.</summary>
public enum PluginDirectorySource
{
    /// <summary>Named by the application: <see cref="HostOptions.PluginDirectories"/>, which <c>icls --plugins DIR</c> fills.</summary>
    Explicit,

    /// <summary>Listed in the <c>ICLS_PLUGINS</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>The <c>plugins</c> folder of the current directory (<see cref="HostOptions.WorkingDirectoryPluginDirectory"/>).</summary>
    WorkingDirectory,

    /// <summary>The <c>plugins</c> folder beside the host executable.</summary>
    Default,
}
