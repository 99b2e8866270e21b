using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// ResNeXt against torchvision 0.14 (Fixtures/ResNeXt, tools/fixtures/make_resnext_fixtures.py): a
/// narrow ResNeXt-50 built from torchvision's own classes, converted with the torchvision key map,
/// gives torchvision's logits; the full archs have torchvision's parameter counts.
/// </summary>
public sealed class ResNeXtTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-resnext-{Guid.NewGuid():N}");

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
        Directory.CreateDirectory(folder);
        var fixture = Fixture().GetProperty("cases")[0];
        var converted = Path.Combine(folder, "converted.pth");
        using (var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config")))
        {
            Assert.Equal(model.state_dict().Count, CheckpointConverter.ConvertFile(model, File(fixture, "state_dict"), converted, WeightSource.Torchvision));
        }

        using var fresh = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        Assert.Equal(fixture.GetProperty("parameters").GetInt64(), fresh.parameters().Sum(parameter => parameter.numel()));
        var io = TorchCheckpointReader.ReadDictionary(File(fixture, "io"));
        fresh.eval();
        using var noGrad = no_grad();
        using var logits = fresh.call((Tensor)io["input"]!);
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"max |ours - torchvision| = {difference:E2} (logits up to {scale})");
        Assert.True(difference < 1e-5f * scale, $"max |ours - torchvision| = {difference} (logits up to {scale})");
    }

    [Fact]
    public void Full_archs_have_torchvisions_parameter_counts()
    {
        // torchvision has resnext50_32x4d, resnext101_32x8d and resnext101_64x4d; mmpretrain's
        // ResNeXt builds each from depth, groups and width_per_group. The fixture counts the
        // 1000-class fc, which is the head here.
        foreach (var arch in Fixture().GetProperty("full_archs").EnumerateArray())
        {
            var config = new ResNeXtConfig
            {
                Depth = arch.GetProperty("depth").GetInt32(),
                Groups = arch.GetProperty("groups").GetInt32(),
                WidthPerGroup = arch.GetProperty("width_per_group").GetInt32(),
            };
            Assert.Equal(arch.GetProperty("parameters").GetInt64(), CountWithFc(config.Build(), 2048, 1000));
        }
    }

    [Fact]
    public void ResNeXt101_32x4d_has_mmpretrains_published_parameter_count()
    {
        // mmpretrain's model zoo lists resnext101-32x4d_8xb32_in1k at 44.18 M parameters;
        // torchvision has no 101-32x4d.
        var count = CountWithFc(new ResNeXtConfig { Depth = 101 }.Build(), 2048, 1000);
        Assert.InRange(count, 44_175_000, 44_185_000);
    }

    [Fact]
    public void Only_the_bottleneck_depths_are_allowed()
    {
        var fromConfig = Assert.Throws<ConfigValueException>(() => new ResNeXtConfig { Depth = 18 });
        Assert.Equal("depth", fromConfig.Member);
        Assert.Contains("50, 101, 152", fromConfig.Message);

        var fromConstructor = Assert.Throws<ConfigValueException>(() => new ResNeXt(34));
        Assert.Equal("depth must be one of 50, 101, 152, but got 34.", fromConstructor.Message);
    }

    [Fact]
    public void The_grouped_width_follows_groups_width_per_group_and_base_channels()
    {
        // 32x4d at base_channels 64: layer1's middle width is 32 * 4 = 128, doubling per stage,
        // while the outputs stay ResNet's (256 ... 2048).
        using var full = new ResNeXtConfig { Depth = 50, OutIndices = [0, 1, 2, 3] }.Build();
        var state = full.state_dict();
        Assert.Equal([128L, 4, 3, 3], state["layer1.0.conv2.weight"].shape);
        Assert.Equal([1024L, 32, 3, 3], state["layer4.2.conv2.weight"].shape);
        Assert.Equal([256L, 128, 1, 1], state["layer1.0.conv3.weight"].shape);
        Assert.Equal([256, 512, 1024, 2048], ((IHasFeatureInfo)full).FeatureInfo.Select(stage => stage.Channels));
        Assert.All(full.modules().OfType<Conv2d>().Where(conv => conv.weight!.shape[3] == 3), conv => Assert.Equal(32, conv.groups));

        // Narrow: base_channels 4, groups 4, width_per_group 2 gives layer1 a width of 4 * 2 * 4 / 4.
        using var narrow = Narrow();
        Assert.Equal([8L, 2, 3, 3], narrow.state_dict()["layer1.0.conv2.weight"].shape);
    }

    [Fact]
    public void Keys_are_resnets_and_match_the_torchvision_checkpoint()
    {
        using var backbone = Narrow();
        var keys = backbone.state_dict().Keys.ToHashSet();
        var torchvision = TorchCheckpointReader.ReadDictionary(File(Fixture().GetProperty("cases")[0], "state_dict")).Keys
            .Where(key => !key.StartsWith("fc.", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(torchvision.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Contains("layer2.0.downsample.1.running_var", keys);
    }

    [Fact]
    public void Feature_info_matches_the_output_shapes()
    {
        using var backbone = Narrow(outIndices: [0, 2, 3]);
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal([16, 32, 64, 128], info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal([4, 8, 16, 32], info.FeatureInfo.Select(stage => stage.Reduction));
        backbone.eval();
        using var input = randn(1, 3, 64, 64);
        var outputs = backbone.call(input);
        Assert.Equal(3, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.OutputFeatureInfo[index];
            Assert.Equal([1L, stage.Channels, 64 / stage.Reduction, 64 / stage.Reduction], outputs[index].shape);
            outputs[index].Dispose();
        }
    }

    [Fact]
    public void Frozen_stages_and_norm_eval_hold_through_training()
    {
        manual_seed(3);
        using var backbone = new ResNeXtConfig { Depth = 50, Groups = 4, WidthPerGroup = 2, StemChannels = 4, BaseChannels = 4, FrozenStages = 2, NormEval = true }.Build();
        Probe.AssertFrozenStagesAndNormEval(backbone, channels: 128, "conv1.", "bn1.", "layer1.", "layer2.");
    }

    [Fact]
    public void A_narrow_resnext50_learns_fashion_mnist()
    {
        manual_seed(7);
        using var backbone = Narrow();
        FashionMnistProbe.AssertLearns(backbone, channels: 128, output);
    }

    private static ResNeXt Narrow(int[]? outIndices = null) =>
        new ResNeXtConfig { Depth = 50, Groups = 4, WidthPerGroup = 2, StemChannels = 4, BaseChannels = 4, OutIndices = outIndices ?? [3] }.Build();

    private static long CountWithFc(Backbone backbone, int channels, int classes)
    {
        using (backbone)
        {
            return backbone.parameters().Sum(parameter => parameter.numel()) + ((channels + 1L) * classes);
        }
    }

    private static JsonElement Fixture() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(FixturePaths.File("ResNeXt", "cases.json"))).RootElement;

    private static string File(JsonElement fixture, string kind) => FixturePaths.File("ResNeXt", fixture.GetProperty(kind).GetString()!);
}
