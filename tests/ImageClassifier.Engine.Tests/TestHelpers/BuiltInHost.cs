using ImageClassifier.Hosting;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>One host with the built-in components only: no plugin folder and no ICLS_PLUGINS is read.</summary>
internal static class BuiltInHost
{
    private static readonly Lazy<ImageClassifierHost> Shared = new(() => ImageClassifierHost.Create(new HostOptions
    {
        DefaultPluginDirectory = null,
        WorkingDirectoryPluginDirectory = null,
        ReadEnvironmentVariable = null,
    }));

    public static ImageClassifierHost Instance => Shared.Value;
}
