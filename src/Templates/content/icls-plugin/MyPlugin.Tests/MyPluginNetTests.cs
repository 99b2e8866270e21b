using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Catalog;
using MyPlugin.Backbones;
using static TorchSharp.torch;

namespace MyPlugin.Tests;

public class MyPluginNetTests
{
    // The plugin's assembly is referenced here, so it is registered as it is rather than loaded a
    // second time from a plugins folder.
    private static readonly ImageClassifierHost Host = ImageClassifierHost.Create(new HostOptions
    {
        CatalogFactory = () =>
        {
            var catalog = BuiltInComponents.CreateCatalog();
            catalog.RegisterAssembly(typeof(MyPluginNet).Assembly, "MyPlugin");
            return catalog;
        },
        DefaultPluginDirectory = null,
        ReadEnvironmentVariable = null,
    });

    private static string Config => Path.Combine(AppContext.BaseDirectory, "configs", "myplugin_net_fashion_mnist.json");

    [Fact]
    public void TheBackboneIsRegisteredWithItsParameters()
    {
        var description = Host.Describe("MyPluginNet");

        Assert.Equal("backbone", description.Kind);
        Assert.Contains(description.Parameters, parameter => parameter.JsonName == "num_stages");
    }

    [Fact]
    public void EachStageHalvesTheResolutionAndDoublesTheChannels()
    {
        using var backbone = new MyPluginNet(inChannels: 1, baseChannels: 8, numStages: 3, outIndices: [0, 1, 2]);
        using var input = randn(2, 1, 28, 28);

        var outputs = backbone.call(input);

        Assert.Equal(new long[] { 2, 8, 28, 28 }, outputs[0].shape);
        Assert.Equal(new long[] { 2, 16, 14, 14 }, outputs[1].shape);
        Assert.Equal(new long[] { 2, 32, 7, 7 }, outputs[2].shape);
        foreach (var output in outputs)
        {
            output.Dispose();
        }
    }

    [Fact]
    public void TheConfigBuildsAClassifierOfTenClasses()
    {
        var run = Host.LoadRun(Config);
        using var model = run.BuildModel();
        model.eval();
        using var noGrad = no_grad();
        using var input = zeros(2, 1, 28, 28);

        using var logits = model.call(input);

        Assert.Equal(new long[] { 2, 10 }, logits.shape);
    }

    [Fact]
    public void AStageIndexPastTheLastIsRefused()
    {
        var error = Assert.Throws<ImageClassifier.ConfigValueException>(() => new MyPluginNet(numStages: 2, outIndices: [2]));

        Assert.Equal("out_indices", error.Member);
    }
}
