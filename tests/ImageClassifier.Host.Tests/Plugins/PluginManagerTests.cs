using System.Runtime.Loader;
using ImageClassifier.Hosting.Plugins;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>Loading plugins into a host: the good one registers and builds; each broken one is reported and leaves the rest alone.</summary>
public sealed class PluginManagerTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void A_good_plugin_registers_its_components_under_its_own_name()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);

        var host = CreateHost(folder);

        var plugin = Assert.Single(host.Plugins.Plugins);
        Assert.Equal(PluginStatus.Loaded, plugin.Status);
        Assert.Null(plugin.Reason);
        Assert.Null(plugin.FailedStage);
        Assert.Equal(PluginLayout.Folder, plugin.Layout);
        Assert.Equal(Path.Combine(folder, Good, "GoodPlugin.dll"), plugin.Path);
        Assert.Equal(new Version(1, 0, 0, 0), plugin.Version);
        Assert.Equal(["loss/HalfSquaredLoss", "neck/ScaledPooling"], plugin.Components.Select(c => $"{c.Kind}/{c.Name}").Order());

        var neck = host.Catalog.Find("ScaledPooling", "neck");
        Assert.Equal(Good, neck.Source.Origin);
        Assert.Equal(plugin.Path, neck.Source.AssemblyLocation);
        Assert.Same(host.Catalog.Find("HalfSquaredLoss"), host.Catalog.Find("half_mse", "loss"));
    }

    [Fact]
    public void Plugin_components_sit_beside_the_built_ins()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);

        var host = CreateHost(folder);

        var necks = host.ListComponents(kind: "neck");
        Assert.Contains(necks, neck => neck.Name == "GlobalAveragePooling" && neck.Source.Origin == "built-in");
        Assert.Contains(necks, neck => neck.Name == "ScaledPooling" && neck.Source.Origin == Good);
    }

    [Fact]
    public void The_plugin_shares_the_hosts_contracts_and_keeps_its_own_dependency_in_its_folder()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);
        var loader = new RecordingAssemblyLoader();
        var host = ImageClassifierHost.Create(OptionsFor(folder) with { AssemblyLoader = loader });

        // Building the neck runs the plugin's private helper library.
        using var neck = host.BuildModel<Neck>("ScaledPooling");

        var plugin = host.Plugins.Find(Good)!;
        var context = AssemblyLoadContext.GetLoadContext(plugin.Assembly!)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.False(context.IsCollectible);
        var own = context.Assemblies.ToDictionary(assembly => assembly.GetName().Name!, assembly => assembly.Location);
        Assert.Equal(["GoodPlugin", "GoodPlugin.Helpers"], own.Keys.Order());
        Assert.Equal(Path.Combine(pluginFolder, "GoodPlugin.Helpers.dll"), own["GoodPlugin.Helpers"]);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, assembly => assembly.GetName().Name == "GoodPlugin.Helpers");

        // The plugin's neck is the host's Neck: one ImageClassifier.Abstractions, one TorchSharp.
        Assert.IsAssignableFrom<Neck>(neck);
        Assert.Same(typeof(Neck).Assembly, neck.GetType().BaseType!.Assembly);
        Assert.Equal(
            ["ImageClassifier.Abstractions", "ImageClassifier.Models", "ImageClassifier.Data", "ImageClassifier.Engine", "TorchSharp", "System.Text.Json"],
            loader.SharedAssemblyNames);
    }

    [Fact]
    public void A_throwing_provider_is_reported_and_the_good_plugin_still_loads()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        AddPlugin(folder, ThrowingProvider);

        var host = CreateHost(folder);

        var failed = AssertFailed(host, ThrowingProvider, PluginLoadStage.Registration);
        Assert.StartsWith("plugin 'ThrowingProviderPlugin' failed to register its components, so none of them is registered:", failed.Reason);
        Assert.Contains("No licence file 'throwing-provider.licence' was found beside the plugin.", failed.Reason);
        Assert.NotNull(failed.Assembly);
        AssertGoodPluginWorks(host);
    }

    [Fact]
    public void A_missing_dependency_fails_the_plugin_before_it_is_loaded_naming_it_and_the_good_plugin_still_loads()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        var broken = AddPlugin(folder, MissingDependency);
        Assert.False(File.Exists(Path.Combine(broken, "MissingDependencyPlugin.Library.dll")), "The build should have deleted the library.");
        var loader = new RecordingAssemblyLoader();

        var host = ImageClassifierHost.Create(OptionsFor(folder) with { AssemblyLoader = loader });

        var failed = AssertFailed(host, MissingDependency, PluginLoadStage.Dependencies);
        Assert.StartsWith(
            "plugin 'MissingDependencyPlugin' cannot be loaded because of its dependencies: it needs assembly 'MissingDependencyPlugin.Library' 1.0.0.0 " +
            $"(referenced by MissingDependencyPlugin 1.0.0.0), which is missing: '{Path.Combine(broken, "MissingDependencyPlugin.Library.dll")}' does not exist",
            failed.Reason);
        Assert.Null(failed.Assembly);
        Assert.DoesNotContain(loader.Loaded, path => path.Contains(MissingDependency, StringComparison.Ordinal));
        Assert.False(host.Catalog.TryFind("SmoothL1Loss", out _));
        AssertGoodPluginWorks(host);
    }

    [Fact]
    public void A_duplicate_name_rolls_back_the_whole_later_plugin()
    {
        var first = _sandbox.Folder("first");
        var second = _sandbox.Folder("second");
        AddPlugin(first, Good);
        AddPlugin(second, DuplicateName);

        var host = CreateHost(first, second);

        var failed = AssertFailed(host, DuplicateName, PluginLoadStage.Registration);
        Assert.Contains("Duplicate neck 'ScaledPooling': it is already registered by GoodPlugin.Necks.ScaledPooling", failed.Reason);
        Assert.Empty(failed.Components);

        // Its loss clashes with nothing, yet it went with the neck: registration is all or nothing.
        Assert.False(host.Catalog.TryFind("AbsoluteLoss", out _));
        Assert.DoesNotContain(host.ListComponents(), registration => registration.Source.Origin == DuplicateName);
        AssertGoodPluginWorks(host);
    }

    [Fact]
    public void Within_a_folder_plugins_load_in_name_order_so_the_first_name_wins()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        AddPlugin(folder, DuplicateName);

        var host = CreateHost(folder);

        Assert.Equal([DuplicateName, Good], host.Plugins.Plugins.Select(plugin => plugin.Name));
        var failed = AssertFailed(host, Good, PluginLoadStage.Registration);
        Assert.Contains("Duplicate neck 'ScaledPooling'", failed.Reason);
        Assert.Equal(DuplicateName, host.Catalog.Find("ScaledPooling", "neck").Source.Origin);
        Assert.False(host.Catalog.TryFind("HalfSquaredLoss", out _));
    }

    [Fact]
    public void A_corrupt_assembly_is_reported_and_the_good_plugin_still_loads()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        WriteCorruptAssembly(Path.Combine(folder, "Broken", "Broken.dll"));
        File.WriteAllText(Path.Combine(folder, "Broken", "Broken.deps.json"), "{}");

        var host = CreateHost(folder);

        var failed = AssertFailed(host, "Broken", PluginLoadStage.Inspection);
        Assert.StartsWith($"plugin 'Broken' cannot be read: '{Path.Combine(folder, "Broken", "Broken.dll")}' is not a readable .NET assembly (", failed.Reason);
        Assert.Null(failed.Assembly);
        AssertGoodPluginWorks(host);
    }

    [Fact]
    public void Every_broken_plugin_at_once_leaves_the_host_standing()
    {
        var folder = _sandbox.Folder("plugins");
        foreach (var plugin in new[] { Good, ThrowingProvider, MissingDependency, WrongAbstractions })
        {
            AddPlugin(folder, plugin);
        }

        WriteCorruptAssembly(Path.Combine(folder, "Corrupt.dll"));
        var later = _sandbox.Folder("later");
        AddPlugin(later, DuplicateName);

        var host = CreateHost(folder, later);

        Assert.Equal(
            [
                "Corrupt: Inspection",
                "GoodPlugin: loaded",
                "MissingDependencyPlugin: Dependencies",
                "ThrowingProviderPlugin: Registration",
                "WrongAbstractionsPlugin: Compatibility",
                "DuplicateNamePlugin: Registration",
            ],
            host.Plugins.Plugins.Select(plugin => $"{plugin.Name}: {plugin.FailedStage?.ToString() ?? "loaded"}"));
        Assert.All(host.Plugins.Failed, plugin => Assert.StartsWith($"plugin '{plugin.Name}' ", plugin.Reason));
        Assert.All(host.Plugins.Failed, plugin => Assert.DoesNotContain('\n', plugin.Reason!));
        Assert.Equal([Good], host.Plugins.Loaded.Select(plugin => plugin.Name));
        AssertGoodPluginWorks(host);
    }

    private static PluginLoadResult AssertFailed(ImageClassifierHost host, string name, PluginLoadStage stage)
    {
        var plugin = host.Plugins.Find(name);
        Assert.NotNull(plugin);
        Assert.Equal(PluginStatus.Failed, plugin.Status);
        Assert.Equal(stage, plugin.FailedStage);
        Assert.NotNull(plugin.Reason);
        Assert.Empty(plugin.Components);
        Assert.Contains(plugin, host.Plugins.Failed);
        return plugin;
    }

    private static void AssertGoodPluginWorks(ImageClassifierHost host)
    {
        Assert.Equal(PluginStatus.Loaded, host.Plugins.Find(Good)?.Status);
        using var loss = host.BuildModel<Loss>("HalfSquaredLoss");
        using var prediction = TorchSharp.torch.tensor(new[] { 1.0f, 2.0f });
        using var target = TorchSharp.torch.zeros(2);
        using var value = loss.Forward(prediction, target);
        Assert.Equal(1.25f, value.item<float>(), precision: 5);
    }
}
