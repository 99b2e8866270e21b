using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// ConvNeXt against torchvision 0.14's (Fixtures/ConvNeXt, tools/fixtures/make_convnext_fixtures.py):
/// a narrow model's logits through the torchvision key map, and the full archs' parameter counts.
/// </summary>
public sealed class ConvNeXtTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-convnext-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Torchvision_weights_converted_give_torchvisions_logits_within_1e_5()
    {
        var fixture = Fixture().GetProperty("cases")[0];
        Directory.CreateDirectory(folder);
        var converted = Path.Combine(folder, "convnext.pth");
        using (var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config")))
        {
            var count = CheckpointConverter.ConvertFile(model, FixturePaths.File("ConvNeXt", fixture.GetProperty("state_dict").GetString()!), converted, WeightSource.Torchvision);
            Assert.Equal(model.state_dict().Count, count);
        }

        using var fresh = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("ConvNeXt", fixture.GetProperty("io").GetString()!));
        fresh.eval();
        using var noGrad = no_grad();
        using var logits = fresh.call((Tensor)io["input"]!);
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        Assert.True(difference < 1e-5f * scale, $"max |ours - torchvision's| = {difference} (logits up to {scale})");
    }

    [Theory]
    [InlineData("tiny", new[] { 3, 3, 9, 3 }, new[] { 96, 192, 384, 768 })]
    [InlineData("small", new[] { 3, 3, 27, 3 }, new[] { 96, 192, 384, 768 })]
    [InlineData("base", new[] { 3, 3, 27, 3 }, new[] { 128, 256, 512, 1024 })]
    [InlineData("large", new[] { 3, 3, 27, 3 }, new[] { 192, 384, 768, 1536 })]
    public void Full_archs_have_torchvisions_parameter_counts(string arch, int[] depths, int[] channels)
    {
        // mmpretrain's and torchvision's ConvNeXt have the same layers; the 1000-class head adds
        // the Linear layer torchvision counts in its classifier.
        var config = new ConvNeXtConfig { Arch = arch };
        using var backbone = config.Build();
        var convnext = Assert.IsType<ConvNeXt>(backbone);
        Assert.Equal(depths, convnext.Depths);
        Assert.Equal(channels, convnext.FeatureInfo.Select(stage => stage.Channels));
        var count = backbone.parameters().Sum(parameter => parameter.numel()) + (channels[^1] * 1000L) + 1000;
        var expected = Fixture().GetProperty("full_parameter_counts").GetProperty("torchvision").GetProperty(arch).GetInt64();
        output.WriteLine($"{arch}: {count:N0} (torchvision {expected:N0})");
        Assert.Equal(expected, count);

        var estimate = config.EstimateParameters();
        Assert.InRange(estimate.Count, 0.98 * (count - (channels[^1] * 1000L)), (double)count);
        Assert.Equal("arch", estimate.Member);
    }

    [Fact]
    public void Xlarge_has_the_parameter_count_mmpretrains_model_zoo_lists()
    {
        // torchvision has no xlarge; mmpretrain's metafile gives 350,196,968 with the 1000-class head.
        using var backbone = new ConvNeXtConfig { Arch = "xlarge" }.Build();
        Assert.Equal([256, 512, 1024, 2048], ((ConvNeXt)backbone).Channels);
        Assert.Equal(350_196_968L, backbone.parameters().Sum(parameter => parameter.numel()) + (2048 * 1000L) + 1000);
        Assert.Throws<ConfigValueException>(() => new ConvNeXtConfig { Arch = "huge" });
    }

    [Fact]
    public void Outputs_follow_out_indices_and_the_feature_info()
    {
        using var pooled = Narrow(outIndices: [0, -3, 2, -1]);
        var info = (IHasFeatureInfo)pooled;
        Assert.Equal([0, 1, 2, 3], info.OutIndices);
        Assert.Equal([4, 8, 16, 32], info.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal(["stages.0", "stages.1", "stages.2", "stages.3"], info.FeatureInfo.Select(stage => stage.Module));
        using var maps = Narrow(outIndices: [1, 3], gapBeforeFinalNorm: false);
        pooled.eval();
        maps.eval();
        using var scope = NewDisposeScope();
        using var input = randn(2, 3, 64, 64);

        var vectors = pooled.call(input);
        Assert.Equal(info.FeatureInfo.Select(stage => new long[] { 2, stage.Channels }), vectors.Select(vector => vector.shape));
        var features = maps.call(input);
        Assert.Equal(new[] { new long[] { 2, 16, 8, 8 }, [2, 64, 2, 2] }, features.Select(map => map.shape));

        // Only the stages in out_indices get a final norm.
        var keys = maps.state_dict().Keys;
        Assert.Equal(["norm1.bias", "norm1.weight", "norm3.bias", "norm3.weight"], keys.Where(key => key.StartsWith("norm", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new ConvNeXt(outIndices: [-5])).Member);
    }

    [Fact]
    public void Keys_and_shapes_are_mmpretrains()
    {
        using var backbone = Narrow(outIndices: [3]);
        var state = backbone.state_dict();
        Assert.Equal([8L, 3, 4, 4], state["downsample_layers.0.0.weight"].shape);
        Assert.Equal([8L], state["downsample_layers.0.1.weight"].shape);
        Assert.Equal([8L], state["downsample_layers.1.0.weight"].shape);
        Assert.Equal([16L, 8, 2, 2], state["downsample_layers.1.1.weight"].shape);
        Assert.Equal([8L, 1, 7, 7], state["stages.0.0.depthwise_conv.weight"].shape);
        Assert.Equal([8L], state["stages.0.1.norm.bias"].shape);
        Assert.Equal([32L, 8], state["stages.0.0.pointwise_conv1.weight"].shape);
        Assert.Equal([64L, 256], state["stages.3.1.pointwise_conv2.weight"].shape);
        Assert.Equal([8L], state["stages.0.0.gamma"].shape);
        Assert.All(state["stages.2.2.gamma"].data<float>().ToArray(), value => Assert.Equal(1e-6f, value));
        Assert.Equal([64L], state["norm3.weight"].shape);
        Assert.Equal((4 * 4) + ((2 + 2 + 3 + 2) * 9) + 2, state.Count);

        // ConvNeXt V2's form: GRN, no layer scale; and 1x1 convs in place of Linear layers.
        using var v2 = new ConvNeXtConfig { Depths = [1, 1, 1, 1], Channels = [8, 16, 32, 64], UseGrn = true, LayerScaleInitValue = 0, LinearPwConv = false }.Build();
        var keys = v2.state_dict();
        Assert.Equal([32L], keys["stages.0.0.grn.gamma"].shape);
        Assert.Equal([32L], keys["stages.0.0.grn.beta"].shape);
        Assert.DoesNotContain("stages.0.0.gamma", keys.Keys);
        Assert.Equal([32L, 8, 1, 1], keys["stages.0.0.pointwise_conv1.weight"].shape);
    }

    [Fact]
    public void Linear_and_1x1_conv_pointwise_layers_and_both_grn_layouts_compute_the_same()
    {
        manual_seed(3);
        using var linear = new ConvNeXtConfig { Depths = [1, 1, 1, 1], Channels = [8, 16, 32, 64], UseGrn = true, LayerScaleInitValue = 0.5 }.Build();
        using var conv = new ConvNeXtConfig { Depths = [1, 1, 1, 1], Channels = [8, 16, 32, 64], UseGrn = true, LayerScaleInitValue = 0.5, LinearPwConv = false }.Build();
        using (no_grad())
        {
            foreach (var (name, parameter) in linear.named_parameters())
            {
                // GRN starts as the identity; give it something to do.
                if (name.Contains(".grn.", StringComparison.Ordinal))
                {
                    parameter.uniform_(-0.5, 0.5);
                }
            }

            var target = conv.state_dict();
            foreach (var (name, parameter) in linear.state_dict())
            {
                target[name].copy_(parameter.reshape(target[name].shape));
            }
        }

        linear.eval();
        conv.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = randn(2, 3, 32, 32);
        Assert.True(linear.call(input)[0].allclose(conv.call(input)[0], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Drop_path_rates_rise_to_the_rate_and_are_off_in_evaluation()
    {
        manual_seed(5);
        using var backbone = Narrow(dropPathRate: 0.5);
        var rates = backbone.modules().OfType<ConvNeXtBlock>().Select(block => block.DropPathRate).ToArray();
        Assert.Equal(9, rates.Length);
        Assert.Equal(0, rates[0]);
        Assert.Equal(0.5, rates[^1], 12);
        Assert.Equal(0.25, rates[4], 12);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = randn(4, 3, 32, 32);
        backbone.eval();
        var first = backbone.call(input)[0];
        Assert.True(first.allclose(backbone.call(input)[0], 0, 0));
        backbone.train();
        var trained = Enumerable.Range(0, 4).Select(_ => backbone.call(input)[0]).ToList();
        Assert.Contains(trained, result => !result.allclose(first));
    }

    [Fact]
    public void Frozen_stages_keep_their_parameters_and_evaluation_mode_through_training()
    {
        manual_seed(11);
        using var backbone = Narrow(frozenStages: 2, gapBeforeFinalNorm: false);
        static bool IsFrozen(string name) =>
            name.StartsWith("downsample_layers.0.", StringComparison.Ordinal) || name.StartsWith("downsample_layers.1.", StringComparison.Ordinal)
            || name.StartsWith("stages.0.", StringComparison.Ordinal) || name.StartsWith("stages.1.", StringComparison.Ordinal);
        Probe.AssertFrozenThroughTraining(backbone, channels: 64, IsFrozen);

        var stages = backbone.modules().OfType<ConvNeXtBlock>().ToList();
        Assert.All(stages.Take(4), block => Assert.False(block.training));
        Assert.All(stages.Skip(4), block => Assert.True(block.training));
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new ConvNeXt(frozenStages: 5)).Member);
    }

    [Theory]
    [InlineData("backbone.downsample_layers.0.0.weight", 0)]
    [InlineData("backbone.stages.2.4.gamma", 4)]
    [InlineData("backbone.downsample_layers.3.1.weight", 6)]
    [InlineData("backbone.norm3.weight", 7)]
    [InlineData("head.fc.weight", 7)]
    public void Layer_depths_are_mmpretrains(string name, int layer)
    {
        using var backbone = new ConvNeXtConfig { Arch = "atto" }.Build();
        Assert.Equal((layer, 8), ((ILayerDepth)backbone).GetLayerDepth(name, "backbone."));
    }

    [Fact]
    public void A_narrow_convnext_learns_fashion_mnist()
    {
        // 28 x 28 images: a stride-2 stem gives maps of 14, 7, 3 and 1; the probe pools the
        // normalised last map itself.
        manual_seed(7);
        using var backbone = new ConvNeXtConfig { Depths = [1, 1, 2, 1], Channels = [16, 32, 64, 128], StemPatchSize = 2, GapBeforeFinalNorm = false }.Build();
        FashionMnistProbe.AssertLearns(backbone, channels: 128, output);
    }

    private static ConvNeXt Narrow(int[]? outIndices = null, bool gapBeforeFinalNorm = true, double dropPathRate = 0, int frozenStages = 0) =>
        (ConvNeXt)new ConvNeXtConfig
        {
            Depths = [2, 2, 3, 2],
            Channels = [8, 16, 32, 64],
            OutIndices = outIndices ?? [3],
            GapBeforeFinalNorm = gapBeforeFinalNorm,
            DropPathRate = dropPathRate,
            FrozenStages = frozenStages,
        }.Build();

    private static JsonElement Fixture() => JsonDocument.Parse(File.ReadAllText(FixturePaths.File("ConvNeXt", "cases.json"))).RootElement;
}
