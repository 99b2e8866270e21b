using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// EfficientNet against torchvision 0.14 (Fixtures/EfficientNet, tools/fixtures/make_efficientnet_fixtures.py):
/// torchvision's efficientnet_b0 with formula weights (rebuilt here from the fixture's list of keys)
/// converted by the torchvision key map, with torchvision's padding and with TensorFlow's "SAME"
/// padding (the script's own padding code); and torchvision's full b0 ... b7 parameter counts.
/// </summary>
public sealed class EfficientNetTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("EfficientNet", "cases.json"))).RootElement);

    [Theory]
    [InlineData("config", "input", "logits")]
    [InlineData("config_same", "input_same", "logits_same")]
    public void Torchvision_weights_converted_give_the_references_logits_within_1e_5(string config, string input, string expected)
    {
        using var model = ZooConfigBinder.BuildClassifier(Fixture.Value.GetProperty(config));
        using var scope = NewDisposeScope();
        var converted = CheckpointConverter.Convert(model, TorchvisionStateDict(), WeightSource.Torchvision);
        Assert.True(ModelWeights.Load(model, converted, strict: true).Report.IsExact);

        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("EfficientNet", Fixture.Value.GetProperty("io").GetString()!));
        model.eval();
        using var noGrad = no_grad();
        var logits = model.call((Tensor)io[input]!);
        var reference = (Tensor)io[expected]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"{config}: max |ours - reference| = {difference:E2}, logits up to {scale}");
        Assert.True(difference < 1e-5f * scale, $"{config}: max |ours - reference| = {difference} (logits up to {scale})");
    }

    [Theory]
    [InlineData("b0", 1280)]
    [InlineData("b1", 1280)]
    [InlineData("b2", 1408)]
    [InlineData("b3", 1536)]
    [InlineData("b4", 1792)]
    [InlineData("b5", 2048)]
    [InlineData("b6", 2304)]
    [InlineData("b7", 2560)]
    public void Full_archs_have_torchvisions_parameter_count(string arch, int lastChannels)
    {
        using var backbone = new EfficientNetConfig { Arch = arch }.Build();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal(lastChannels, info.FeatureInfo[^1].Channels);
        var expected = Fixture.Value.GetProperty("full_parameter_counts").GetProperty(arch).GetInt64();
        Assert.Equal(expected, backbone.parameters().Sum(parameter => parameter.numel()) + ((lastChannels + 1L) * 1000));
    }

    [Theory]
    [InlineData("b0", 224, new[] { 32, 16, 24, 40, 112, 320, 1280 }, new[] { 1, 2, 2, 6, 5 })]
    [InlineData("b4", 380, new[] { 48, 24, 32, 56, 160, 448, 1792 }, new[] { 2, 4, 4, 12, 10 })]
    [InlineData("b7", 600, new[] { 64, 32, 48, 80, 224, 640, 2560 }, new[] { 4, 7, 7, 20, 17 })]
    [InlineData("b8", 672, new[] { 72, 32, 56, 88, 248, 704, 2816 }, new[] { 4, 8, 8, 22, 19 })]
    [InlineData("es", 224, new[] { 32, 24, 32, 48, 144, 192, 1280 }, new[] { 1, 2, 4, 9, 2 })]
    [InlineData("em", 240, new[] { 32, 24, 32, 48, 144, 192, 1280 }, new[] { 2, 3, 5, 11, 3 })]
    [InlineData("el", 300, new[] { 40, 32, 40, 56, 176, 232, 1536 }, new[] { 2, 3, 6, 13, 3 })]
    public void Archs_are_scaled_as_mmpretrain_scales_them(string arch, int resolution, int[] channels, int[] blocks)
    {
        using var backbone = new EfficientNetConfig { Arch = arch }.Build();
        var network = (EfficientNet)backbone;
        Assert.Equal(resolution, network.Resolution);
        Assert.Equal(channels, network.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal(blocks, network.StageBlocks.Select(stage => stage.Count));
        Assert.Equal([2, 2, 4, 8, 16, 32, 32], network.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal([6], network.OutIndices);
    }

    [Fact]
    public void EdgeTPU_archs_use_edge_residuals_in_the_first_three_stages()
    {
        using var backbone = new EfficientNetConfig { Arch = "em" }.Build();
        var stages = ((EfficientNet)backbone).StageBlocks;
        Assert.All(stages.Take(3).SelectMany(stage => stage), block => Assert.IsType<EdgeResidual>(block));
        Assert.All(stages.Skip(3).SelectMany(stage => stage), block => Assert.False(((MBConv)block).HasSE));

        // mmpretrain's rule: the repeated block of the expand-3 stage expands by 4 and has no shortcut.
        var state = backbone.state_dict();
        Assert.Equal([96L, 32, 3, 3], state["layers.1.0.conv1.conv.weight"].shape);
        Assert.Equal([96L, 24, 3, 3], state["layers.1.1.conv1.conv.weight"].shape);
        Assert.False(((EdgeResidual)stages[0][1]).UsesResidual);
        Assert.True(((EdgeResidual)stages[1][1]).UsesResidual);
        Assert.Empty(backbone.modules().OfType<SELayer>());
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var backbone = new EfficientNetConfig { Arch = "b0" }.Build();
        var state = backbone.state_dict();
        Assert.Equal([32L, 3, 3, 3], state["layers.0.conv.weight"].shape);
        Assert.Contains("layers.0.bn.num_batches_tracked", state.Keys);

        // layers.1.0 expands by 1: no expanding conv; its gate squeezes 32 to 32 / 4.
        Assert.DoesNotContain(state.Keys, key => key.StartsWith("layers.1.0.expand_conv", StringComparison.Ordinal));
        Assert.Equal([8L, 32, 1, 1], state["layers.1.0.se.conv1.conv.weight"].shape);
        Assert.Equal([96L, 16, 1, 1], state["layers.2.0.expand_conv.conv.weight"].shape);

        // layers.4 holds torchvision's 80- and 112-channel stages; layers.5 its 192- and 320-channel ones.
        Assert.Equal([112L, 480, 1, 1], state["layers.4.3.linear_conv.conv.weight"].shape);
        Assert.Equal([320L, 1152, 1, 1], state["layers.5.4.linear_conv.conv.weight"].shape);
        Assert.Equal([1280L, 320, 1, 1], state["layers.6.conv.weight"].shape);
        Assert.DoesNotContain(state.Keys, key => key.Contains("_conv.conv.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_convolutions_pad_as_tensorflow_and_feature_info_matches_every_stage()
    {
        using var backbone = new EfficientNetConfig { Arch = "b0", OutIndices = [0, 1, 2, 3, 4, 5, 6] }.Build();
        // mmpretrain passes conv_cfg to every conv but the squeeze-and-excitation's 1x1 ones.
        var gates = backbone.modules().OfType<SELayer>().SelectMany(gate => gate.modules().OfType<ConvModule>()).ToHashSet();
        Assert.Equal(32, gates.Count);
        Assert.All(backbone.modules().OfType<ConvModule>(), module => Assert.IsType(gates.Contains(module) ? typeof(Conv2d) : typeof(Conv2dAdaptivePadding), module.Conv));
        var info = (IHasFeatureInfo)backbone;
        backbone.eval();
        using var scope = NewDisposeScope();

        // 63 is odd at every stride: same padding gives ceil(63 / reduction).
        var outputs = backbone.call(randn(1, 3, 63, 63));
        Assert.Equal(7, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.FeatureInfo[index];
            var side = (63 + stage.Reduction - 1) / stage.Reduction;
            Assert.Equal([1L, stage.Channels, side, side], outputs[index].shape);
        }
    }

    [Fact]
    public void Drop_path_rates_rise_linearly_to_the_last_block_and_indices_are_checked()
    {
        using var backbone = new EfficientNetConfig { Arch = "b0", DropPathRate = 0.3 }.Build();
        var blocks = ((EfficientNet)backbone).StageBlocks.SelectMany(stage => stage).Cast<MBConv>().ToList();
        Assert.Equal(16, blocks.Count);
        Assert.Equal(0.0, blocks[0].DropPathRate);
        Assert.Equal(0.02, blocks[1].DropPathRate, 12);
        Assert.Equal(0.3, blocks[^1].DropPathRate, 12);

        int[] seven = [7];
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new EfficientNet(outIndices: seven)).Member);
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new EfficientNet(frozenStages: 8)).Member);
        Assert.Equal("arch", Assert.Throws<ConfigValueException>(() => new EfficientNetConfig { Arch = "l2" }).Member);
    }

    [Fact]
    public void Frozen_stages_keep_their_parameters_through_training()
    {
        manual_seed(11);
        using var backbone = new EfficientNetConfig { Arch = "b0", FrozenStages = 2 }.Build();
        static bool IsFrozen(string name) => name.StartsWith("layers.0.", StringComparison.Ordinal) || name.StartsWith("layers.1.", StringComparison.Ordinal);
        Probe.AssertFrozenThroughTraining(backbone, channels: 1280, IsFrozen);

        var stages = ((EfficientNet)backbone).StageBlocks;
        Assert.All(stages[0], block => Assert.False(block.training));
        Assert.All(stages[1], block => Assert.True(block.training));
    }

    [Fact]
    public void Norm_eval_keeps_batch_norm_statistics_during_a_training_forward()
    {
        manual_seed(4);
        using var backbone = new EfficientNetConfig { Arch = "b0", NormEval = true }.Build();
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
    public void B0_learns_fashion_mnist_in_a_few_steps()
    {
        manual_seed(7);
        using var backbone = new EfficientNetConfig { Arch = "b0" }.Build();
        FashionMnistProbe.AssertLearns(backbone, channels: 1280, output);
    }

    // torchvision's state dict: the stored buffers, and every parameter from the script's formula.
    private static Dictionary<string, Tensor> TorchvisionStateDict()
    {
        var buffers = StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(FixturePaths.File("EfficientNet", Fixture.Value.GetProperty("buffers").GetString()!)));
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var step = 0.9.ToScalar();
        using var spread = 43758.5453.ToScalar();
        var index = 0;
        foreach (var entry in Fixture.Value.GetProperty("state_dict").EnumerateArray())
        {
            var key = entry.GetProperty("key").GetString()!;
            var shape = entry.GetProperty("shape").EnumerateArray().Select(size => size.GetInt64()).ToArray();
            if (buffers.TryGetValue(key, out var buffer))
            {
                state[key] = buffer;
            }
            else
            {
                using var phase = (0.37 * index).ToScalar();
                using var scale = entry.GetProperty("scale").GetDouble().ToScalar();
                using var offset = entry.GetProperty("offset").GetDouble().ToScalar();
                using var count = shape.Aggregate(1L, (product, size) => product * size).ToScalar();
                state[key] = arange(count, dtype: ScalarType.Float64)
                    .mul_(step).add_(phase).sin_().mul_(spread).frac_().mul_(scale).add_(offset).to_type(ScalarType.Float32).reshape(shape);
            }

            index++;
        }

        return state;
    }
}
