using ImageClassifier.Hosting.Plugins;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>Which folders a host searches, in which order, and what in them counts as a plugin.</summary>
public sealed class PluginDiscoveryTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Folders_are_searched_explicit_first_then_the_environment_variable_then_the_working_directory_then_the_default()
    {
        var explicitFolder = _sandbox.Folder("explicit");
        var fromVariable = _sandbox.Folder("variable");
        var alsoFromVariable = _sandbox.Folder("variable2");
        var workingFolder = _sandbox.Folder("working");
        var defaultFolder = _sandbox.Folder("default");
        var variable = string.Join(Path.PathSeparator, fromVariable, " ", alsoFromVariable, explicitFolder);

        var host = ImageClassifierHost.Create(new HostOptions
        {
            PluginDirectories = [explicitFolder],
            ReadEnvironmentVariable = name => name == HostOptions.PluginPathVariable ? variable : null,
            WorkingDirectoryPluginDirectory = workingFolder,
            DefaultPluginDirectory = defaultFolder,
        });

        Assert.Equal(
            [
                (explicitFolder, PluginDirectorySource.Explicit),
                (fromVariable, PluginDirectorySource.EnvironmentVariable),
                (alsoFromVariable, PluginDirectorySource.EnvironmentVariable),
                (workingFolder, PluginDirectorySource.WorkingDirectory),
                (defaultFolder, PluginDirectorySource.Default),
            ],
            host.Plugins.Directories.Select(directory => (directory.Path, directory.Source)));
        Assert.All(host.Plugins.Directories, directory => Assert.True(directory.Exists));
        Assert.Empty(host.Plugins.DirectoryProblems);
    }

    [Fact]
    public void Plugins_in_the_environment_variable_folders_load()
    {
        var empty = _sandbox.Folder("empty");
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);

        var host = ImageClassifierHost.Create(OptionsFor() with
        {
            ReadEnvironmentVariable = name => name == "ICLS_PLUGINS" ? empty + Path.PathSeparator + folder : null,
        });

        var plugin = Assert.Single(host.Plugins.Loaded);
        Assert.Equal(PluginDirectorySource.EnvironmentVariable, plugin.Directory.Source);
        Assert.Equal(Good, host.Describe("ScaledPooling").Origin);
    }

    [Fact]
    public void The_default_folder_is_searched_and_may_be_missing()
    {
        var folder = _sandbox.Folder("beside-the-host");
        AddPlugin(folder, Good);

        var found = ImageClassifierHost.Create(OptionsFor() with { DefaultPluginDirectory = folder });
        var missing = ImageClassifierHost.Create(OptionsFor() with { DefaultPluginDirectory = Path.Combine(_sandbox.Root, "absent") });

        Assert.Equal(PluginDirectorySource.Default, Assert.Single(found.Plugins.Loaded).Directory.Source);
        var absent = Assert.Single(missing.Plugins.Directories);
        Assert.False(absent.Exists);
        Assert.Null(absent.Problem);
        Assert.Empty(missing.Plugins.Plugins);
    }

    [Fact]
    public void The_default_options_search_the_plugins_folder_beside_the_host()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "plugins"), new HostOptions().DefaultPluginDirectory);
    }

    [Fact]
    public void The_default_options_search_the_plugins_folder_of_the_current_directory_after_the_environment_variable()
    {
        var fromVariable = _sandbox.Folder("variable");

        var directories = PluginDiscovery.ResolveDirectories(new HostOptions
        {
            ReadEnvironmentVariable = name => name == HostOptions.PluginPathVariable ? fromVariable : null,
            DefaultPluginDirectory = null,
        });

        Assert.Equal(
            [
                (fromVariable, PluginDirectorySource.EnvironmentVariable),
                (Path.Combine(Directory.GetCurrentDirectory(), "plugins"), PluginDirectorySource.WorkingDirectory),
            ],
            directories.Select(directory => (directory.Path, directory.Source)));
        Assert.Equal("./plugins", PluginDiscovery.Label(PluginDirectorySource.WorkingDirectory));
    }

    [Fact]
    public void A_missing_working_directory_folder_is_no_problem()
    {
        var absent = Path.Combine(_sandbox.Root, "no-plugins-here");

        var host = ImageClassifierHost.Create(OptionsFor() with { WorkingDirectoryPluginDirectory = absent });

        var directory = Assert.Single(host.Plugins.Directories);
        Assert.Equal((absent, PluginDirectorySource.WorkingDirectory, false), (directory.Path, directory.Source, directory.Exists));
        Assert.Null(directory.Problem);
        Assert.Empty(host.Plugins.DirectoryProblems);
    }

    [Fact]
    public void Plugins_in_the_working_directory_folder_load_and_a_source_folder_there_is_passed_over()
    {
        var folder = _sandbox.Folder("working");
        AddPlugin(folder, Good);
        File.WriteAllText(Path.Combine(_sandbox.Folder(Path.Combine("working", "MySources")), "MySources.csproj"), "<Project />");

        var host = ImageClassifierHost.Create(OptionsFor() with { WorkingDirectoryPluginDirectory = folder });

        var plugin = Assert.Single(host.Plugins.Plugins);
        Assert.Equal((Good, PluginStatus.Loaded, PluginDirectorySource.WorkingDirectory), (plugin.Name, plugin.Status, plugin.Directory.Source));
    }

    [Fact]
    public void The_same_source_folder_named_with_plugins_is_a_failed_plugin()
    {
        var folder = _sandbox.Folder("explicit");
        File.WriteAllText(Path.Combine(_sandbox.Folder(Path.Combine("explicit", "MySources")), "MySources.csproj"), "<Project />");

        var failed = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(("MySources", PluginLoadStage.Discovery), (failed.Name, failed.FailedStage!.Value));
    }

    [Fact]
    public void A_folder_reached_through_the_variable_and_as_the_working_directory_folder_is_searched_once_at_its_first_place()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);

        var host = ImageClassifierHost.Create(OptionsFor() with
        {
            ReadEnvironmentVariable = name => name == HostOptions.PluginPathVariable ? folder + Path.DirectorySeparatorChar : null,
            WorkingDirectoryPluginDirectory = Path.Combine(folder, "..", "plugins"),
            DefaultPluginDirectory = folder,
        });

        var directory = Assert.Single(host.Plugins.Directories);
        Assert.Equal((folder, PluginDirectorySource.EnvironmentVariable), (directory.Path, directory.Source));
        Assert.Equal(PluginStatus.Loaded, Assert.Single(host.Plugins.Plugins).Status);
    }

    [Fact]
    public void A_missing_explicit_folder_is_a_problem_but_not_a_failure()
    {
        var absent = Path.Combine(_sandbox.Root, "typo");
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);

        var host = CreateHost(absent, folder);

        var problem = Assert.Single(host.Plugins.DirectoryProblems);
        Assert.Equal($"the plugin folder '{absent}' (--plugins) does not exist.", problem.Problem);
        Assert.Single(host.Plugins.Loaded);
    }

    [Fact]
    public void A_folder_named_twice_is_searched_once()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);

        var host = ImageClassifierHost.Create(OptionsFor(folder, folder + Path.DirectorySeparatorChar) with { DefaultPluginDirectory = folder });

        Assert.Single(host.Plugins.Directories);
        Assert.Single(host.Plugins.Plugins);
    }

    [Fact]
    public void The_first_plugin_of_a_name_wins_and_a_later_one_is_skipped()
    {
        var first = _sandbox.Folder("first");
        var second = _sandbox.Folder("second");
        AddPlugin(first, Good);
        AddPlugin(second, Good);

        var host = CreateHost(first, second);

        Assert.Equal(Path.Combine(first, Good, "GoodPlugin.dll"), Assert.Single(host.Plugins.Loaded).Path);
        var skipped = Assert.Single(host.Plugins.Failed);
        Assert.Equal(PluginLoadStage.Discovery, skipped.FailedStage);
        Assert.Equal(Path.Combine(second, Good, "GoodPlugin.dll"), skipped.Path);
        Assert.StartsWith($"plugin 'GoodPlugin' is skipped: a plugin of that name was already found at '{Path.Combine(first, Good, "GoodPlugin.dll")}' (--plugins)", skipped.Reason);
    }

    [Fact]
    public void A_bare_dll_in_the_folder_root_is_a_plugin_and_its_dependency_beside_it_is_not()
    {
        var folder = _sandbox.Folder("plugins");
        AddBareFiles(folder, Good, "GoodPlugin.dll", "GoodPlugin.Helpers.dll");

        var host = CreateHost(folder);

        var plugin = Assert.Single(host.Plugins.Plugins);
        Assert.Equal(Good, plugin.Name);
        Assert.Equal(PluginStatus.Loaded, plugin.Status);
        Assert.Equal(PluginLayout.BareAssembly, plugin.Layout);
        Assert.Equal(Path.Combine(folder, "GoodPlugin.dll"), plugin.Path);

        // Without a .deps.json the helper is found beside the plugin.
        using var neck = host.BuildModel<Neck>("ScaledPooling");
        Assert.Equal(Good, host.Describe("ScaledPooling").Origin);
    }

    [Fact]
    public void A_corrupt_bare_dll_is_reported()
    {
        var folder = _sandbox.Folder("plugins");
        WriteCorruptAssembly(Path.Combine(folder, "Corrupt.dll"));

        var host = CreateHost(folder);

        var failed = Assert.Single(host.Plugins.Failed);
        Assert.Equal(("Corrupt", PluginLayout.BareAssembly, PluginLoadStage.Inspection), (failed.Name, failed.Layout, failed.FailedStage!.Value));
    }

    [Fact]
    public void A_folder_not_named_like_its_assembly_uses_the_one_dll_with_a_deps_file()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good, folderName: "good-plugin-1.0");

        var host = CreateHost(folder);

        var plugin = Assert.Single(host.Plugins.Loaded);
        Assert.Equal("good-plugin-1.0", plugin.Name);
        Assert.Equal("GoodPlugin", plugin.AssemblyName);
        Assert.Equal("good-plugin-1.0", host.Describe("HalfSquaredLoss").Origin);
    }

    [Fact]
    public void A_folder_without_a_main_assembly_is_reported()
    {
        var folder = _sandbox.Folder("plugins");
        File.WriteAllText(Path.Combine(_sandbox.Folder(Path.Combine("plugins", "Empty")), "readme.txt"), "nothing here");

        var host = CreateHost(folder);

        var failed = Assert.Single(host.Plugins.Failed);
        Assert.Equal(PluginLoadStage.Discovery, failed.FailedStage);
        Assert.Equal(Path.Combine(folder, "Empty"), failed.Path);
        Assert.StartsWith("plugin 'Empty' has no main assembly: its folder", failed.Reason);
    }

    [Fact]
    public void Hidden_folders_are_not_plugins()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good, folderName: ".disabled");

        Assert.Empty(CreateHost(folder).Plugins.Plugins);
    }
}
