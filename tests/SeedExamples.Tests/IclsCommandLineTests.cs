using System.Diagnostics;
using System.Text.Json;
using ImageClassifier.Hosting.Tests.TestHelpers;

namespace SeedExamples.Tests;

// Runs icls as a user does, as a separate process, with the sample plugin in a plugins folder.
public class IclsCommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static string SeedConfig => Path.Combine(SamplePluginHost.RepositoryRoot(), "plugins", "SeedExamples", "configs", "resnet_cifar_l1.json");

    [Fact]
    public async Task ListModelsFindsThePluginsBackboneBesideTheZoos()
    {
        var run = await Icls("list-models", "ResNet*", "--json");

        Assert.Equal(0, run.ExitCode);
        using var listing = JsonDocument.Parse(run.Output);
        var text = listing.RootElement.ToString();
        Assert.Contains("\"ResNet_CIFAR\"", text, StringComparison.Ordinal);
        Assert.Contains("\"ResNetV1d\"", text, StringComparison.Ordinal);
        Assert.Contains("\"SeedExamples\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeShowsInheritedParametersAndThePlugin()
    {
        var run = await Icls("describe", "ResNet_CIFAR");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("deep_stem", run.Output, StringComparison.Ordinal);
        Assert.Contains("SeedExamples", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginsReportsTheSamplePluginLoaded()
    {
        var run = await Icls("plugins", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("SeedExamples", run.Output, StringComparison.Ordinal);
        Assert.Contains("loaded", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAcceptsTheSeedsConfig()
    {
        var run = await Icls("validate", SeedConfig);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task ValidatePointsAtATypoWithoutAStackTrace()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"icls-typo-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(SeedConfig)).Replace("\"ResNet_CIFAR\"", "\"ResNet_CIFR\"", StringComparison.Ordinal));
        try
        {
            var run = await Icls("validate", broken);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"{broken}:7:15", run.Error, StringComparison.Ordinal);
            Assert.Contains("$.model.backbone.type", run.Error, StringComparison.Ordinal);
            Assert.Contains("did you mean 'ResNet_CIFAR'?", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task PrintConfigAppliesCommandLineOverrides()
    {
        var run = await Icls("print-config", SeedConfig, "--cfg-options", "model.head.num_classes=5");

        Assert.Equal(0, run.ExitCode);
        using var printed = JsonDocument.Parse(run.Output);
        Assert.Equal(5, printed.RootElement.GetProperty("model").GetProperty("head").GetProperty("num_classes").GetInt32());
    }

    [Fact]
    public async Task SchemaCoversThePluginsComponents()
    {
        var run = await Icls("schema");

        Assert.Equal(0, run.ExitCode);
        using var schema = JsonDocument.Parse(run.Output);
        Assert.Contains("\"ResNet_CIFAR\"", schema.RootElement.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"L1Loss\"", schema.RootElement.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildPrintsTheParameterCountAndOutputShape()
    {
        var run = await Icls("build", SeedConfig, "--input-shape", "1,3,32,32");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("11,173,962", run.Output, StringComparison.Ordinal);
        Assert.Contains("1, 10", run.Output, StringComparison.Ordinal);
    }

    private static async Task<IclsRun> Icls(params string[] arguments)
    {
        var start = IclsProcess.StartInfo([.. arguments, "--plugins", Path.Combine(AppContext.BaseDirectory, "SamplePlugins")]);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cancel.Token);
        return new IclsRun(process.ExitCode, await output, await error);
    }

    private sealed record IclsRun(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
