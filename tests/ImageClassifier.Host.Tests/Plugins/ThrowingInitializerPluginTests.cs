using ImageClassifier.Hosting.Plugins;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>
/// A plugin whose static constructor or module initializer throws is reported with the plugin's
/// name and the exception it threw, not with the runtime's "type initializer threw" wrapper.
/// </summary>
public sealed class ThrowingInitializerPluginTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData(StaticConstructor, "the static constructor of 'StaticConstructorPlugin.StaticConstructorProvider' threw InvalidOperationException: the static settings of StaticConstructorProvider are missing.")]
    [InlineData(ModuleInitializer, "its module initializer threw PlatformNotSupportedException: the module initializer of ModuleInitializerPlugin found no native runtime.")]
    public void The_inner_exception_is_reported_with_the_plugin_name(string plugin, string expected)
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        AddPlugin(folder, plugin);

        var host = CreateHost(folder);

        var failed = Assert.Single(host.Plugins.Failed);
        Assert.Equal(plugin, failed.Name);
        Assert.Contains($"plugin '{plugin}'", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(expected, failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("threw an exception", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(host.Plugins.Loaded, loaded => loaded.Name == Good);
    }

    [Theory]
    [InlineData(StaticConstructor, "the static settings of StaticConstructorProvider are missing")]
    [InlineData(ModuleInitializer, "found no native runtime")]
    public void Icls_plugins_prints_the_inner_message(string plugin, string expected)
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, plugin);

        var run = TestHelpers.CliRun.Invoke(ImageClassifier.Hosting.Catalog.BuiltInComponents.CreateCatalog, "plugins", "--plugins", folder);

        Assert.Contains(plugin, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Output + run.Error, StringComparison.Ordinal);
    }
}
