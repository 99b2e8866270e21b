using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Plugins;
using ImageClassifier.Runtime;

namespace ImageClassifier.Hosting;

/// <summary>How <see cref="ImageClassifierHost.Create"/> builds a host: the catalog to start from and where plugins are.</summary>
/// <remarks>
/// Plugin folders are searched in this order: <see cref="PluginDirectories"/>, then the folders in
/// <c>ICLS_PLUGINS</c>, then <see cref="WorkingDirectoryPluginDirectory"/>, then
/// <see cref="DefaultPluginDirectory"/>. A plugin name found again in a later folder is reported as
/// skipped, so earlier folders take precedence.
/// </remarks>
public sealed record HostOptions
{
    /// <summary>The environment variable holding plugin folders, separated like PATH (':' on Unix, ';' on Windows).</summary>
    public const string PluginPathVariable = "ICLS_PLUGINS";

    /// <summary>The name of the plugin folder beside the host executable, and of the one in the current directory.</summary>
    public const string DefaultPluginFolderName = "plugins";

    /// <summary>Folders to load plugins from, searched first; relative paths are taken from the current directory.</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = [];

    /// <summary>
    /// The folder searched after those of <c>ICLS_PLUGINS</c>, and without complaint when it does not
    /// exist: <c>plugins</c> in the current directory by default (a relative path is taken from the
    /// current directory when the host is created); null searches none. A subfolder of it that holds no
    /// DLL at all is passed over rather than reported, since a project's <c>plugins/</c> folder often
    /// holds plugin sources (this repository's does).
    /// </summary>
    public string? WorkingDirectoryPluginDirectory { get; init; } = DefaultPluginFolderName;

    /// <summary>
    /// The folder searched last, and without complaint when it does not exist: <c>plugins/</c> beside the
    /// host executable by default; null searches none.
    /// </summary>
    public string? DefaultPluginDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, DefaultPluginFolderName);

    /// <summary>
    /// Reads <see cref="PluginPathVariable"/>: the process environment by default; null ignores the variable.
    /// </summary>
    public Func<string, string?>? ReadEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Creates the catalog plugins are added to: the built-in kinds and model zoo by default.</summary>
    public Func<ComponentCatalog> CatalogFactory { get; init; } = BuiltInComponents.CreateCatalog;

    /// <summary>
    /// How libtorch is set up for the process (malloc tuning, convolution kernels), applied by
    /// <see cref="ImageClassifierHost.Create"/>; null leaves it to the first model built, with the
    /// defaults and the ICLS_MALLOC_TUNING / ICLS_CONVOLUTION environment variables.
    /// </summary>
    public TorchRuntimeOptions? Runtime { get; init; }

    /// <summary>Loads each plugin's assembly; null uses <see cref="McMasterPluginAssemblyLoader"/>.</summary>
    public IPluginAssemblyLoader? AssemblyLoader { get; init; }
}
