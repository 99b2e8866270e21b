using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestComponents;

namespace ImageClassifier.Hosting.Tests.TestHelpers;

/// <summary>One in-process run of icls with captured output.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Invoke(ComponentCatalog catalog, params string[] args) => Invoke(() => catalog, args);

    public static CliRun Invoke(Func<ComponentCatalog> catalogFactory, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CommandLineApp.Run(args, output, error, catalogFactory);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A backbone with parameters, a plain backbone, and a neck sharing a name with neither.</summary>
    public static ComponentCatalog SampleCatalog()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet", aliases: ["tiny_net"], parameters: TestDescriptors.TinyNetParameters), "built-in");
        catalog.Register(TestDescriptors.Backbone("ResNet_CIFAR", componentType: typeof(object)), "my-plugin");
        catalog.Register(TestDescriptors.Neck("GlobalAveragePooling", aliases: ["GAP"]), "built-in");
        catalog.Register(TestDescriptors.Neck("Shared"), "built-in");
        catalog.Register(TestDescriptors.Backbone("Shared"), "built-in");
        return catalog;
    }
}
