using ImageClassifier.Hosting.Plugins;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>
/// A temporary tree of plugin folders made from the test plugins the build copied to
/// <c>TestPlugins/</c>; each test lays out only the plugins it needs, in the order it needs.
/// </summary>
public sealed class PluginSandbox : IDisposable
{
    public const string Good = "GoodPlugin";
    public const string ThrowingProvider = "ThrowingProviderPlugin";
    public const string StaticConstructor = "StaticConstructorPlugin";
    public const string ModuleInitializer = "ModuleInitializerPlugin";
    public const string DuplicateName = "DuplicateNamePlugin";
    public const string MissingDependency = "MissingDependencyPlugin";
    public const string WrongAbstractions = "WrongAbstractionsPlugin";

    public PluginSandbox()
    {
        Root = Directory.CreateTempSubdirectory("icls-plugins-").FullName;
    }

    /// <summary>Where the build put each test plugin's output, one folder per plugin.</summary>
    public static string BuiltPlugins { get; } = Path.Combine(AppContext.BaseDirectory, "TestPlugins");

    public string Root { get; }

    /// <summary>An empty plugin folder (created) under the sandbox.</summary>
    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Copies a built test plugin into <paramref name="folder"/>/<paramref name="folderName"/> (its own name by default).</summary>
    /// <returns>The plugin's folder.</returns>
    public static string AddPlugin(string folder, string plugin, string? folderName = null)
    {
        var source = Path.Combine(BuiltPlugins, plugin);
        Assert.True(Directory.Exists(source), $"The build did not copy the test plugin {plugin} to {source}.");
        var target = Path.Combine(folder, folderName ?? plugin);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Copies only the named DLLs of a built test plugin into the root of <paramref name="folder"/>.</summary>
    public static void AddBareFiles(string folder, string plugin, params string[] fileNames)
    {
        foreach (var fileName in fileNames)
        {
            File.Copy(Path.Combine(BuiltPlugins, plugin, fileName), Path.Combine(folder, fileName));
        }
    }

    /// <summary>Writes bytes that are no assembly at all to <paramref name="path"/>.</summary>
    public static void WriteCorruptAssembly(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, "MZ this is not a portable executable, just a file named like one."u8.ToArray());
    }

    /// <summary>Options that load plugins from exactly these folders: no ./plugins, no default folder, no environment.</summary>
    public static HostOptions OptionsFor(params string[] folders) => new()
    {
        PluginDirectories = folders,
        WorkingDirectoryPluginDirectory = null,
        DefaultPluginDirectory = null,
        ReadEnvironmentVariable = null,
    };

    /// <summary>The host with exactly these plugin folders.</summary>
    public static ImageClassifierHost CreateHost(params string[] folders) => ImageClassifierHost.Create(OptionsFor(folders));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing a passed test over it is not.
        }
    }
}
