using System.Text.Json;
using System.Text.Json.Nodes;
using ImageClassifier;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Plugins;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Weights;
using static TorchSharp.torch;

namespace SeedExamples.Tests;

public class SeedExamplesPluginTests
{
    [Fact]
    public void ThePluginLoadsAndRegistersTheSeedsThreeComponents()
    {
        var host = SamplePluginHost.Host;
        var plugin = Assert.Single(host.Plugins.Plugins, result => result.Name == "SeedExamples");
        Assert.Equal(PluginStatus.Loaded, plugin.Status);

        Assert.Equal("backbone", host.Catalog.Find("ResNet_CIFAR").Kind);
        Assert.Equal("head", host.Catalog.Find("SeedExamples.VisionTransformerClsHead").Kind);
        Assert.Equal("loss", host.Catalog.Find("L1Loss").Kind);
        Assert.All(
            new[] { "ResNet_CIFAR", "SeedExamples.VisionTransformerClsHead", "L1Loss" },
            name => Assert.Equal("SeedExamples", host.Describe(name).Origin));
    }

    [Fact]
    public void TheBuiltInVisionTransformerClsHeadKeepsItsNameAndThePluginsIsQualified()
    {
        // The zoo's head is mmpretrain's, so configs and checkpoints that name it keep their meaning
        // with the plugin loaded; the plugin, written before the name became built-in, still loads.
        var host = SamplePluginHost.Host;
        var builtIn = host.Catalog.Find("VisionTransformerClsHead", "head");
        var plugins = host.Catalog.Find("SeedExamples.VisionTransformerClsHead", "head");

        Assert.Equal("built-in", builtIn.Source.Origin);
        Assert.Equal("VisionTransformerClsHead", plugins.DeclaredName);
        Assert.Equal("SeedExamples.Heads.VisionTransformerClsHead", plugins.Descriptor.ComponentType.FullName);

        var binder = new ConfigBinder(host.Catalog);
        var config = binder.BindComponentJson("""{"type": "VisionTransformerClsHead", "num_classes": 5, "in_channels": 8}""", typeof(Head));
        using var head = (Head)host.Build(config);
        Assert.Equal(["layers.head.bias", "layers.head.weight"], head.state_dict().Keys.Where(key => key.StartsWith("layers.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ResNetCifarDescribesResNetsParametersAsInherited()
    {
        var description = SamplePluginHost.Host.Describe("ResNet_CIFAR");

        Assert.Equal("ResNet", description.BaseName);
        var depth = Assert.Single(description.Parameters, parameter => parameter.JsonName == "depth");
        Assert.Equal("ResNet", depth.DeclaredBy);
        Assert.Contains(description.Parameters, parameter => parameter.JsonName == "deep_stem");
        Assert.Contains(description.Parameters, parameter => parameter.JsonName == "out_indices");
    }

    [Fact]
    public void ResNetCifarMatchesMmpretrainsLogits()
    {
        var host = SamplePluginHost.Host;
        var binder = new ConfigBinder(host.Catalog);
        var caseConfig = CaseConfig("resnet18_cifar");
        var config = binder.BindComponentJson(caseConfig.ToJsonString(), typeof(Classifier), "cases.json#resnet18_cifar");
        using var model = (ImageClassifierModel)host.Build(config);

        var load = ModelWeights.Load(model, SamplePluginHost.ZooFixture("resnet18_cifar.pth"), strict: true);
        Assert.True(load.Report.IsExact, load.Describe());
        Assert.Equal(11_173_962, model.parameters().Sum(parameter => parameter.numel()));

        var io = TorchCheckpointReader.ReadDictionary(SamplePluginHost.ZooFixture("resnet18_cifar.io.pth"));
        var input = (Tensor)io["input"]!;
        var expected = (Tensor)io["logits"]!;
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(input);

        var difference = (logits - expected).abs().max().item<float>();
        Assert.True(difference < 1e-4f, $"max |logits - PyTorch's| = {difference}");
        Assert.True(expected.abs().max().item<float>() > 0.1f, "the reference logits are not trivial");
    }

    [Fact]
    public void ResNetCifarRejectsDeepStemWithAClearMessage()
    {
        var binder = new ConfigBinder(SamplePluginHost.Host.Catalog);
        var config = binder.BindComponentJson("""{"type": "ResNet_CIFAR", "depth": 18, "deep_stem": true}""", typeof(Backbone));

        var error = Assert.Throws<ConfigValueException>(() => SamplePluginHost.Host.Build(config));
        Assert.Equal("deep_stem", error.Member);
        Assert.Contains("single 3x3 conv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSeedsFinalConfigLoadsFromJsonThroughThePluginAndBuilds()
    {
        var path = Path.Combine(SamplePluginHost.RepositoryRoot(), "plugins", "SeedExamples", "configs", "resnet_cifar_l1.json");
        var binder = new ConfigBinder(SamplePluginHost.Host.Catalog);
        var config = binder.BindModel(ConfigLoader.Load(path));
        using var model = (ImageClassifierModel)SamplePluginHost.Host.Build(config);

        using var images = rand(2, 3, 32, 32);
        using var scores = model.call(images);
        Assert.Equal(new long[] { 2, 10 }, scores.shape);

        // The seed's use of L1: imitating another classifier's probabilities (soft targets).
        using var target = softmax(randn(2, 10), 1);
        var losses = model.Loss(images, target);
        Assert.True(losses["loss"].item<float>() > 0);
    }

    [Fact]
    public void L1LossFromThePluginGivesMmpretrainsWeightedLossVectors()
    {
        var binder = new ConfigBinder(SamplePluginHost.Host.Catalog);
        var mean = Build("""{"type": "L1Loss"}""");
        var none = Build("""{"type": "L1Loss", "reduction": "none"}""");
        using var pred = tensor(new float[] { 0, 2, 3 });
        using var target = tensor(new float[] { 1, 1, 1 });
        using var weight = tensor(new float[] { 1, 0, 1 });

        Assert.Equal(4f / 3f, mean.Forward(pred, target).item<float>(), 4);
        Assert.Equal(1f, mean.Forward(pred, target, weight).item<float>(), 4);
        Assert.Equal(new float[] { 1, 1, 2 }, none.Forward(pred, target).data<float>().ToArray());
        Assert.Equal(1.5f, mean.Forward(pred, target, weight, avgFactor: 2).item<float>(), 4);
        Assert.Throws<ArgumentException>(() => mean.Forward(pred, target, avgFactor: 2, reductionOverride: Reduction.Sum));

        Loss Build(string json) => (Loss)SamplePluginHost.Host.Build(binder.BindComponentJson(json, typeof(Loss)));
    }

    [Fact]
    public void VisionTransformerHeadScoresTheClassToken()
    {
        var binder = new ConfigBinder(SamplePluginHost.Host.Catalog);
        var config = binder.BindComponentJson("""{"type": "SeedExamples.VisionTransformerClsHead", "num_classes": 5, "in_channels": 8, "hidden_dim": 6}""", typeof(Head));
        using var head = (Head)SamplePluginHost.Host.Build(config);
        var keys = head.state_dict().Keys.ToArray();
        Assert.Contains("fc1.weight", keys);
        Assert.Contains("fc2.bias", keys);

        using var tokens = randn(2, 1 + 4, 8);
        using var classToken = tokens[.., 0].contiguous();
        using var fromSequence = head.call([tokens]);
        using var fromToken = head.call([classToken]);

        Assert.Equal(new long[] { 2, 5 }, fromSequence.shape);
        Assert.True(fromSequence.allclose(fromToken), "a token sequence and its class token must score alike");
    }

    private static JsonNode CaseConfig(string name)
    {
        var cases = JsonNode.Parse(File.ReadAllText(SamplePluginHost.ZooFixture("cases.json")))!["cases"]!.AsArray();
        return cases.Single(entry => (string?)entry!["name"] == name)!["config"]!.DeepClone();
    }
}
