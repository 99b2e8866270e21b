using System.Runtime.Loader;
using ImageClassifier.Hosting.Plugins;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>Refusing, from metadata alone, plugins built against what this host does not have.</summary>
public sealed class PluginCompatibilityTests : IDisposable
{
    private static readonly Version Abstractions = new(1, 0, 0, 0);
    private static readonly Version TorchSharp = new(0, 107, 0, 0);
    private static readonly Version Runtime = new(10, 0, 0, 0);

    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void A_plugin_built_against_another_Abstractions_major_is_refused_before_it_is_loaded()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, WrongAbstractions);
        AddPlugin(folder, Good);
        var loader = new RecordingAssemblyLoader();

        var host = ImageClassifierHost.Create(OptionsFor(folder) with { AssemblyLoader = loader });

        var refused = host.Plugins.Find(WrongAbstractions)!;
        Assert.Equal(PluginStatus.Failed, refused.Status);
        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith(
            "plugin 'WrongAbstractionsPlugin' was built against ImageClassifier.Abstractions 2.0.0; this host has 1.0.0.",
            refused.Reason);
        Assert.Equal(new Version(1, 0, 0, 0), refused.Version);

        // Not a type of it was touched: the loader never saw it and no load context holds it.
        Assert.Null(refused.Assembly);
        Assert.DoesNotContain(loader.Loaded, path => path.Contains(WrongAbstractions, StringComparison.Ordinal));
        Assert.DoesNotContain(
            AssemblyLoadContext.All.SelectMany(context => context.Assemblies),
            assembly => assembly.GetName().Name == WrongAbstractions);
        Assert.Equal(PluginStatus.Loaded, host.Plugins.Find(Good)!.Status);
    }

    public static TheoryData<string, string, string> Incompatible => new()
    {
        { "2.0.0.0", "0.107.0.0", "was built against ImageClassifier.Abstractions 2.0.0; this host has 1.0.0. A plugin must be built against the same major version of ImageClassifier.Abstractions as the host (1.x)" },
        { "1.1.0.0", "0.107.0.0", "was built against ImageClassifier.Abstractions 1.1.0; this host has 1.0.0, which is older." },
        { "1.0.0.0", "0.106.0.0", "was built against TorchSharp 0.106.0; this host has 0.107.0. A plugin must be built against the same major and minor version of TorchSharp as the host (0.107.x)" },
        { "1.0.0.0", "0.108.0.0", "was built against TorchSharp 0.108.0; this host has 0.107.0." },
        { "1.0.0.0", "0.107.3.0", "was built against TorchSharp 0.107.3; this host has 0.107.0, which is older." },
    };

    [Theory]
    [MemberData(nameof(Incompatible))]
    public void Shared_assembly_versions_are_checked(string abstractions, string torchSharp, string expected)
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(
            Path.Combine(folder, "Versioned", "Versioned.dll"),
            "Versioned",
            ("System.Runtime", Runtime),
            ("ImageClassifier.Abstractions", Version.Parse(abstractions)),
            ("TorchSharp", Version.Parse(torchSharp)));

        var refused = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith("plugin 'Versioned' ", refused.Reason);
        Assert.Contains(expected, refused.Reason);
    }

    [Fact]
    public void The_built_in_zoo_must_have_the_same_major_version()
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(
            Path.Combine(folder, "Derived", "Derived.dll"),
            "Derived",
            ("ImageClassifier.Abstractions", Abstractions),
            ("ImageClassifier.Models", new Version(2, 1, 0, 0)));

        var refused = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith("plugin 'Derived' was built against ImageClassifier.Models 2.1.0; this host has 1.0.0.", refused.Reason);
    }

    [Fact]
    public void A_plugin_for_a_later_dotnet_is_refused()
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(
            Path.Combine(folder, "Future", "Future.dll"),
            "Future",
            ("System.Runtime", new Version(Runtime.Major + 1, 0, 0, 0)),
            ("ImageClassifier.Abstractions", Abstractions));

        var refused = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith($"plugin 'Future' targets .NET {Runtime.Major + 1}.0; this host runs on .NET {Environment.Version.Major}.0.", refused.Reason);
    }

    [Fact]
    public void A_plugin_without_Abstractions_cannot_register_anything()
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(Path.Combine(folder, "Unrelated", "Unrelated.dll"), "Unrelated", ("System.Runtime", Runtime));

        var refused = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith("plugin 'Unrelated' does not reference ImageClassifier.Abstractions, so it cannot register components", refused.Reason);
    }

    [Fact]
    public void A_plugin_without_a_component_provider_is_refused_with_the_fix()
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(
            Path.Combine(folder, "Forgetful", "Forgetful.dll"),
            "Forgetful",
            ("System.Runtime", Runtime),
            ("ImageClassifier.Abstractions", Abstractions),
            ("TorchSharp", TorchSharp));

        var refused = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith("plugin 'Forgetful' has no [assembly: ComponentProvider] attribute from ImageClassifier.Abstractions", refused.Reason);
        Assert.Contains("reference ImageClassifier.Generators as an analyzer", refused.Reason);
    }

    [Fact]
    public void A_copy_of_a_shared_assembly_is_not_a_plugin()
    {
        var folder = _sandbox.Folder("plugins");
        var copy = Path.Combine(folder, "ImageClassifier.Abstractions");
        Directory.CreateDirectory(copy);
        File.Copy(typeof(Neck).Assembly.Location, Path.Combine(copy, "ImageClassifier.Abstractions.dll"));

        var refused = Assert.Single(CreateHost(folder).Plugins.Failed);

        Assert.Equal(PluginLoadStage.Compatibility, refused.FailedStage);
        Assert.StartsWith("plugin 'ImageClassifier.Abstractions' is a copy of the host's own assembly 'ImageClassifier.Abstractions'", refused.Reason);
    }
}
