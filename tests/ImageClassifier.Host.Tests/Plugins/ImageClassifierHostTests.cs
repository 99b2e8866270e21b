using TorchSharp;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Plugins;
using ImageClassifier.Runtime;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>The host API as an application uses it, from a plugin folder to a running plugin component.</summary>
public sealed class ImageClassifierHostTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Runtime_options_given_to_the_host_are_applied_before_any_model()
    {
        var options = new TorchRuntimeOptions();
        ImageClassifierHost.Create(new HostOptions { Runtime = options, DefaultPluginDirectory = null, ReadEnvironmentVariable = null });

        Assert.Equal(options, TorchRuntime.Report!.Options);
        Assert.Throws<InvalidOperationException>(() => ImageClassifierHost.Create(new HostOptions
        {
            Runtime = options with { TuneMalloc = !options.TuneMalloc },
            DefaultPluginDirectory = null,
            ReadEnvironmentVariable = null,
        }));
    }

    [Fact]
    public void An_application_lists_describes_configures_and_runs_a_plugin_component()
    {
        var plugins = _sandbox.Folder("plugins");
        PluginSandbox.AddPlugin(plugins, PluginSandbox.Good);
        PluginSandbox.AddPlugin(plugins, PluginSandbox.ThrowingProvider);

        var host = ImageClassifierHost.Create(new HostOptions
        {
            PluginDirectories = [plugins],
            DefaultPluginDirectory = null,
            ReadEnvironmentVariable = null,
        });

        // The broken plugin is reported, not thrown.
        Assert.Equal([PluginSandbox.Good], host.Plugins.Loaded.Select(plugin => plugin.Name));
        Assert.Equal([PluginSandbox.ThrowingProvider], host.Plugins.Failed.Select(plugin => plugin.Name));

        // Listed and described like a built-in, with the plugin as its origin.
        var pooling = host.ListComponents("*pool*", "neck");
        Assert.Equal(["GlobalAveragePooling", "ScaledPooling"], pooling.Select(registration => registration.Name).Where(name => name != "GeneralizedMeanPooling"));
        var description = host.Describe("ScaledPooling");
        Assert.Equal(PluginSandbox.Good, description.Origin);
        Assert.Equal("neck", description.Kind);
        Assert.Equal("2.0", Assert.Single(description.Parameters).DefaultJson);

        // Configured through its generated config, then built and run.
        var config = host.CreateConfig("ScaledPooling");
        Assert.Equal("ScaledPooling", config.TypeName);
        config.GetType().GetProperty("Scale")!.SetValue(config, 3.0);
        using var neck = host.BuildModel<Neck>(config);
        using var features = ones(2, 4, 5, 5);
        var pooled = Assert.Single(neck.call([features]));
        using (pooled)
        {
            Assert.Equal([2L, 4L], pooled.shape);
            using var three = 3.0f.ToScalar();
            Assert.True(pooled.allclose(full(2, 4, three)));
        }

        // The plugin's own rules apply, through its private dependency.
        config.GetType().GetProperty("Scale")!.SetValue(config, -1.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => host.Build(config));

        // A component is only what it is.
        Assert.Throws<InvalidCastException>(() => host.BuildModel<Loss>("ScaledPooling"));
        Assert.Throws<ComponentNotFoundException>(() => host.CreateConfig("SmoothL1Loss"));
    }

    [Fact]
    public void A_config_the_host_did_not_register_is_refused()
    {
        var plugins = _sandbox.Folder("plugins");
        PluginSandbox.AddPlugin(plugins, PluginSandbox.Good);
        var withPlugin = PluginSandbox.CreateHost(plugins);
        var withoutPlugin = PluginSandbox.CreateHost();

        var config = withPlugin.CreateConfig("HalfSquaredLoss");

        var error = Assert.Throws<ComponentNotFoundException>(() => withoutPlugin.Build(config));
        Assert.Contains("HalfSquaredLoss", error.Message);
    }

    [Fact]
    public void A_second_copy_of_a_plugin_has_configs_of_its_own()
    {
        var first = _sandbox.Folder("first");
        var second = _sandbox.Folder("second");
        PluginSandbox.AddPlugin(first, PluginSandbox.Good);
        PluginSandbox.AddPlugin(second, PluginSandbox.Good);
        var one = PluginSandbox.CreateHost(first);
        var other = PluginSandbox.CreateHost(second);

        var error = Assert.Throws<ArgumentException>(() => other.Build(one.CreateConfig("HalfSquaredLoss")));

        Assert.Contains("Create the config through this host", error.Message);
    }
}
