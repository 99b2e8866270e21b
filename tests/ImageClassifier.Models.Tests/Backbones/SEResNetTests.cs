using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// SE-ResNet and SE-ResNeXt against an independent PyTorch implementation (torchvision has
/// neither): tools/fixtures/make_seresnet_fixtures.py writes them from mmpretrain's published
/// description on torchvision 0.14's ResNet and Bottleneck, under mmpretrain's keys
/// (Fixtures/SEResNet), and counts the full archs' parameters; mmpretrain's model zoo lists
/// SE-ResNet-50 and -101 at 28.09 M and 49.33 M.
/// </summary>
public sealed class SEResNetTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => new() { "seresnet50_b4", "seresnext50_g4w2_b4" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_independent_implementations_weights_give_its_logits_within_1e_5(string name)
    {
        var fixture = Case(name);
        using var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        Assert.True(ModelWeights.Load(model, File(fixture, "state_dict"), strict: true).Report.IsExact);
        Assert.Equal(fixture.GetProperty("parameters").GetInt64(), model.parameters().Sum(parameter => parameter.numel()));
        var io = TorchCheckpointReader.ReadDictionary(File(fixture, "io"));
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call((Tensor)io["input"]!);
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"{name}: max |ours - reference| = {difference:E2} (logits up to {scale})");
        Assert.True(difference < 1e-5f * scale, $"{name}: max |ours - reference| = {difference} (logits up to {scale})");
    }

    [Fact]
    public void No_torchvision_map_claims_se_resnet()
    {
        // ResNet's map would place every key but the SE layers'; torchvision has no SE-ResNet.
        using var model = ZooConfigBinder.BuildClassifier(Case("seresnext50_g4w2_b4").GetProperty("config"));
        var error = Assert.Throws<StateDictLoadException>(() => CheckpointConverter.Convert(model, new Dictionary<string, Tensor>(), WeightSource.Torchvision));
        Assert.Contains("no Torchvision key map for SEResNeXt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_archs_have_the_reference_parameter_counts()
    {
        foreach (var arch in Fixture().GetProperty("full_archs").EnumerateArray())
        {
            var depth = arch.GetProperty("depth").GetInt32();
            var groups = arch.GetProperty("groups").GetInt32();
            using Backbone backbone = groups == 1
                ? new SEResNetConfig { Depth = depth }.Build()
                : new SEResNeXtConfig { Depth = depth, Groups = groups, WidthPerGroup = arch.GetProperty("width_per_group").GetInt32() }.Build();
            var count = backbone.parameters().Sum(parameter => parameter.numel()) + (2049L * 1000);
            Assert.Equal(arch.GetProperty("parameters").GetInt64(), count);
            if (arch.GetProperty("arch").GetString() is "seresnet50" or "seresnet101")
            {
                // mmpretrain's published counts, rounded to 10,000.
                Assert.Equal(depth == 50 ? 28_090_000 : 49_330_000, Math.Round(count / 10_000.0) * 10_000);
            }
        }
    }

    [Fact]
    public void Only_the_bottleneck_depths_are_allowed()
    {
        var fromConfig = Assert.Throws<ConfigValueException>(() => new SEResNetConfig { Depth = 34 });
        Assert.Equal("depth", fromConfig.Member);
        Assert.Equal("depth must be one of 50, 101, 152, but got 18.", Assert.Throws<ConfigValueException>(() => new SEResNet(18)).Message);
        Assert.Equal("se_ratio", Assert.Throws<ConfigValueException>(() => new SEResNetConfig { Depth = 50, SeRatio = 0 }).Member);
    }

    [Fact]
    public void Every_bottleneck_has_an_se_layer_squeezing_as_mmpretrain_rounds()
    {
        using var backbone = Narrow(outIndices: [0, 1, 2, 3]);
        var blocks = backbone.modules().OfType<SEBottleneck>().ToList();
        Assert.Equal(16, blocks.Count);

        // make_divisible(out // 16, 8): at least 8, so the narrow stages (16 ... 128 channels) squeeze to 8.
        Assert.All(blocks, block => Assert.Equal(8, block.SeLayer.SqueezeChannels));
        using var full = new SEResNetConfig { Depth = 50 }.Build();
        Assert.Equal([16, 32, 64, 128], full.ResLayers.Select(layer => ((SEBottleneck)layer[0]).SeLayer.SqueezeChannels));
        using var squeezed = new SEResNetConfig { Depth = 50, SeRatio = 64 }.Build();
        Assert.Equal([8, 8, 16, 32], squeezed.ResLayers.Select(layer => ((SEBottleneck)layer[0]).SeLayer.SqueezeChannels));
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var backbone = Narrow();
        var keys = backbone.state_dict().Keys.ToHashSet();
        var reference = TorchCheckpointReader.ReadDictionary(File(Case("seresnet50_b4"), "state_dict")).Keys
            .Where(key => key.StartsWith("backbone.", StringComparison.Ordinal))
            .Select(key => key["backbone.".Length..]);
        Assert.Equal(reference.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Contains("layer1.0.se_layer.conv1.conv.weight", keys);
        Assert.Contains("layer4.2.se_layer.conv2.conv.bias", keys);
        Assert.Contains("layer1.0.bn3.running_mean", keys);
    }

    [Fact]
    public void Feature_info_frozen_stages_and_norm_eval_are_resnets()
    {
        manual_seed(3);
        using var backbone = new SEResNetConfig { Depth = 50, StemChannels = 4, BaseChannels = 4, OutIndices = [1, 3], FrozenStages = 1, NormEval = true }.Build();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal([32, 128], info.OutputFeatureInfo.Select(stage => stage.Channels));
        Assert.Equal([8, 32], info.OutputFeatureInfo.Select(stage => stage.Reduction));

        backbone.train();
        var statistics = backbone.state_dict().Where(pair => pair.Key.Contains("running_", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        Probe.TrainSteps(backbone, channels: 128, steps: 1);
        Assert.All(backbone.named_parameters(), pair => Assert.Equal(!(pair.name.StartsWith("layer1.", StringComparison.Ordinal) || pair.name.StartsWith("conv1.", StringComparison.Ordinal) || pair.name.StartsWith("bn1.", StringComparison.Ordinal)), pair.parameter.requires_grad));
        Assert.All(backbone.modules().Where(NormParameters.IsBatchNorm), norm => Assert.False(norm.training));
        foreach (var (name, value) in statistics)
        {
            Assert.True(backbone.state_dict()[name].allclose(value, 0, 0), $"{name} changed");
            value.Dispose();
        }
    }

    [Fact]
    public void Zero_init_residual_zeroes_the_norm_before_the_se_layer()
    {
        using var backbone = Narrow();
        ((IHasInitConfig)backbone).OnWeightsInitialized();
        Assert.All(backbone.state_dict().Where(pair => pair.Key.Contains(".bn3.weight", StringComparison.Ordinal)), pair => Assert.Equal(0, pair.Value.abs().sum().item<float>()));
    }

    [Fact]
    public void A_narrow_seresnet50_learns_fashion_mnist()
    {
        manual_seed(7);
        using var backbone = Narrow();
        FashionMnistProbe.AssertLearns(backbone, channels: 128, output);
    }

    internal static JsonElement Case(string name) =>
        Fixture().GetProperty("cases").EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);

    internal static string File(JsonElement fixture, string kind) => FixturePaths.File("SEResNet", fixture.GetProperty(kind).GetString()!);

    private static SEResNet Narrow(int[]? outIndices = null) =>
        new SEResNetConfig { Depth = 50, StemChannels = 4, BaseChannels = 4, OutIndices = outIndices ?? [3] }.Build();

    private static JsonElement Fixture() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(FixturePaths.File("SEResNet", "cases.json"))).RootElement;
}
