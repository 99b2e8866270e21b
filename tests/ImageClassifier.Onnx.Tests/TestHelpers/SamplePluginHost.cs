using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Onnx.Tests.TestHelpers;

/// <summary>One host per test run with the SeedExamples plugin loaded from SamplePlugins/ beside the tests, as a host app loads it.</summary>
internal static class SamplePluginHost
{
    private static readonly Lazy<ImageClassifierHost> Shared = new(() => ImageClassifierHost.Create(new HostOptions
    {
        PluginDirectories = [Path.Combine(AppContext.BaseDirectory, "SamplePlugins")],
        DefaultPluginDirectory = null,
        ReadEnvironmentVariable = null,
    }));

    public static ImageClassifierHost Host => Shared.Value;

    /// <summary>Builds a classifier from its JSON config through the host's catalog.</summary>
    public static Classifier BuildClassifier(string json)
    {
        var config = new ConfigBinder(Host.Catalog).BindComponentJson(json, typeof(Classifier));
        return (Classifier)Host.Build(config);
    }
}
