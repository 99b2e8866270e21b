using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// MobileNetV3 against torchvision 0.14 (Fixtures/MobileNetV3, tools/fixtures/make_mobilenet_v3_fixtures.py):
/// torchvision's own MobileNetV3 class built with mmpretrain's small_050 block table, converted by the
/// torchvision key map; and torchvision's full mobilenet_v3_small and _large parameter counts.
/// </summary>
public sealed class MobileNetV3Tests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonElement> Fixtures = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("MobileNetV3", "cases.json"))).RootElement);

    [Fact]
    public void Torchvision_weights_converted_give_torchvisions_logits_within_1e_5()
    {
        var fixture = Fixtures.Value.GetProperty("cases")[0];
        using var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        using var scope = NewDisposeScope();
        var source = StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(FixturePaths.File("MobileNetV3", fixture.GetProperty("state_dict").GetString()!)));
        var converted = CheckpointConverter.Convert(model, source, WeightSource.Torchvision);
        Assert.Equal(model.state_dict().Count, converted.Count);
        Assert.True(ModelWeights.Load(model, converted, strict: true).Report.IsExact);

        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("MobileNetV3", fixture.GetProperty("io").GetString()!));
        model.eval();
        using var noGrad = no_grad();
        var logits = model.call((Tensor)io["input"]!);
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"small_050: max |ours - torchvision| = {difference:E2}, logits up to {scale}");
        Assert.True(difference < 1e-5f * scale, $"max |ours - torchvision| = {difference} (logits up to {scale})");
    }

    [Theory]
    [InlineData("small", 576, 1024)]
    [InlineData("large", 960, 1280)]
    public void Full_archs_have_torchvisions_parameter_count(string arch, int lastChannels, int hidden)
    {
        // torchvision's classifier is mmpretrain's StackedLinearClsHead: one hidden layer, then 1000 classes.
        using var backbone = new MobileNetV3Config { Arch = arch }.Build();
        var head = ((lastChannels + 1L) * hidden) + ((hidden + 1L) * 1000);
        var expected = Fixtures.Value.GetProperty("full_parameter_counts").GetProperty(arch).GetInt64();
        Assert.Equal(expected, backbone.parameters().Sum(parameter => parameter.numel()) + head);
    }

    [Theory]
    [InlineData("small", new[] { 16, 16, 24, 24, 40, 40, 40, 48, 48, 96, 96, 96, 576 })]
    [InlineData("small_075", new[] { 16, 16, 24, 24, 32, 32, 32, 40, 40, 72, 72, 72, 432 })]
    [InlineData("small_050", new[] { 16, 8, 16, 16, 24, 24, 24, 24, 24, 48, 48, 48, 288 })]
    [InlineData("large", new[] { 16, 16, 24, 24, 40, 40, 40, 80, 80, 80, 80, 112, 112, 160, 160, 160, 960 })]
    public void Archs_have_mmpretrains_stage_channels_and_the_last_stage_by_default(string arch, int[] channels)
    {
        using var backbone = new MobileNetV3Config { Arch = arch }.Build();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal(channels, info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal([channels.Length - 1], info.OutIndices);
        Assert.Equal($"layer{channels.Length - 1}", info.FeatureInfo[^1].Module);
        Assert.Equal(32, info.FeatureInfo[^1].Reduction);
    }

    [Fact]
    public void Feature_info_matches_the_output_shapes_of_every_stage()
    {
        using var backbone = new MobileNetV3Config { Arch = "small_050", OutIndices = [.. Enumerable.Range(0, 13)] }.Build();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal([2, 4, 8, 8, 16, 16, 16, 16, 16, 32, 32, 32, 32], info.FeatureInfo.Select(stage => stage.Reduction));
        backbone.eval();
        using var scope = NewDisposeScope();
        var outputs = backbone.call(randn(2, 3, 64, 64));
        Assert.Equal(13, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.FeatureInfo[index];
            Assert.Equal([2L, stage.Channels, 64 / stage.Reduction, 64 / stage.Reduction], outputs[index].shape);
        }
    }

    [Fact]
    public void Indices_past_the_archs_last_stage_are_rejected()
    {
        int[] thirteen = [13];
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new MobileNetV3(outIndices: thirteen)).Member);
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new MobileNetV3(frozenStages: 13)).Member);
        Assert.Equal("arch", Assert.Throws<ConfigValueException>(() => new MobileNetV3Config { Arch = "tiny" }).Member);

        // Large has 17 stages.
        using var large = new MobileNetV3(arch: "large", outIndices: [13, 16], frozenStages: 16);
        Assert.Equal([13, 16], ((IHasFeatureInfo)large).OutIndices);
        int[] seventeen = [17];
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new MobileNetV3Config { Arch = "large", OutIndices = seventeen }).Member);
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var backbone = new MobileNetV3Config { Arch = "small" }.Build();
        var state = backbone.state_dict();
        Assert.Contains("layer0.conv.weight", state.Keys);
        Assert.Contains("layer0.bn.num_batches_tracked", state.Keys);

        // layer1: 16 in, 16 mid, so no expanding conv; its gate squeezes 16 to make_divisible(16 // 4, 8) = 8.
        Assert.DoesNotContain(state.Keys, key => key.StartsWith("layer1.expand_conv", StringComparison.Ordinal));
        Assert.Equal([16L, 1, 3, 3], state["layer1.depthwise_conv.conv.weight"].shape);
        Assert.Equal([8L, 16, 1, 1], state["layer1.se.conv1.conv.weight"].shape);
        Assert.Contains("layer1.se.conv2.conv.bias", state.Keys);

        // layer2 has no gate; layer4 expands 24 to 96 with a 5x5 depthwise conv.
        Assert.DoesNotContain(state.Keys, key => key.StartsWith("layer2.se", StringComparison.Ordinal));
        Assert.Equal([96L, 24, 1, 1], state["layer4.expand_conv.conv.weight"].shape);
        Assert.Equal([96L, 1, 5, 5], state["layer4.depthwise_conv.conv.weight"].shape);
        Assert.Equal([40L, 96, 1, 1], state["layer4.linear_conv.conv.weight"].shape);
        Assert.Equal([576L, 96, 1, 1], state["layer12.conv.weight"].shape);
        Assert.DoesNotContain(state.Keys, key => key.Contains("_conv.conv.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Blocks_use_mmpretrains_activations_gates_and_shortcuts()
    {
        using var backbone = new MobileNetV3Config { Arch = "large" }.Build();
        var blocks = ((MobileNetV3)backbone).Blocks;
        Assert.Equal(15, blocks.Count);
        Assert.Equal([3, 4, 5, 10, 11, 12, 13, 14], blocks.Select((block, index) => (block, index)).Where(pair => pair.block.HasSE).Select(pair => pair.index));
        Assert.Equal([0, 2, 4, 5, 7, 8, 9, 11, 13, 14], blocks.Select((block, index) => (block, index)).Where(pair => pair.block.UsesResidual).Select(pair => pair.index));
        Assert.False(blocks[0].HasExpandConv);
        Assert.Equal(8, backbone.modules().OfType<HSigmoid>().Count());
        Assert.All(backbone.modules().OfType<BatchNorm2d>(), norm => Assert.Equal(0.001, norm.Eps, 12));
    }

    [Fact]
    public void Frozen_stages_keep_their_parameters_through_training()
    {
        manual_seed(11);
        using var backbone = new MobileNetV3Config { Arch = "small_050", FrozenStages = 2 }.Build();
        static bool IsFrozen(string name) => name.StartsWith("layer0.", StringComparison.Ordinal) || name.StartsWith("layer1.", StringComparison.Ordinal) || name.StartsWith("layer2.", StringComparison.Ordinal);
        Probe.AssertFrozenThroughTraining(backbone, channels: 288, IsFrozen);

        var modes = backbone.named_children().ToDictionary(pair => pair.name, pair => pair.module.training);
        Assert.False(modes["layer0"]);
        Assert.False(modes["layer2"]);
        Assert.True(modes["layer3"]);
    }

    [Fact]
    public void Norm_eval_keeps_batch_norm_statistics_during_a_training_forward()
    {
        manual_seed(4);
        using var backbone = new MobileNetV3Config { Arch = "small_050", NormEval = true }.Build();
        backbone.train();
        var statistics = backbone.state_dict().Where(pair => pair.Key.Contains("running_", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        using (var scope = NewDisposeScope())
        {
            backbone.call(randn(2, 3, 32, 32));
        }

        Assert.True(backbone.training);
        Assert.All(backbone.modules().Where(NormParameters.IsBatchNorm), norm => Assert.False(norm.training));
        foreach (var (name, value) in statistics)
        {
            Assert.True(backbone.state_dict()[name].allclose(value, 0, 0), $"{name} changed");
            value.Dispose();
        }
    }

    [Fact]
    public void Small_050_learns_fashion_mnist_in_a_few_steps()
    {
        manual_seed(7);
        using var backbone = new MobileNetV3Config { Arch = "small_050" }.Build();
        FashionMnistProbe.AssertLearns(backbone, channels: 288, output);
    }
}
