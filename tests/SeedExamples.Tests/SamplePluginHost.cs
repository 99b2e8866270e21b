using System.Runtime.CompilerServices;
using ImageClassifier.Hosting;

namespace SeedExamples.Tests;

/// <summary>One host per test run with the sample plugin loaded from SamplePlugins/ beside the tests.</summary>
internal static class SamplePluginHost
{
    private static readonly Lazy<ImageClassifierHost> Shared = new(() => ImageClassifierHost.Create(new HostOptions
    {
        PluginDirectories = [Path.Combine(AppContext.BaseDirectory, "SamplePlugins")],
        DefaultPluginDirectory = null,
        ReadEnvironmentVariable = null,
    }));

    public static ImageClassifierHost Host => Shared.Value;

    /// <summary>The repository's root, found from this source file.</summary>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", ".."));

    public static string ZooFixture(string fileName) =>
        Path.Combine(RepositoryRoot(), "tests", "ImageClassifier.Models.Tests", "Fixtures", "Zoo", fileName);
}
