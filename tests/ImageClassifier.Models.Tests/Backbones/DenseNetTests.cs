using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// mmpretrain's DenseNet against torchvision 0.14's (Fixtures/DenseNet,
/// tools/fixtures/make_densenet_fixtures.py: torchvision's own DenseNet class at a small growth
/// rate), and its options.
/// </summary>
public sealed class DenseNetTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Lazy<JsonElement> Fixtures = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("DenseNet", "cases.json"))).RootElement);

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-densenet-{Guid.NewGuid():N}");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Fixtures.Value.GetProperty("cases").EnumerateArray())
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }

        return data;
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Torchvision_weights_converted_give_torchvisions_logits_within_1e_5(string name)
    {
        // The second case is saved with the layer names of torchvision's published files (norm.1).
        var fixture = Fixtures.Value.GetProperty("cases").EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);
        Directory.CreateDirectory(folder);
        var converted = Path.Combine(folder, name + ".pth");
        using (var model = Build(fixture))
        {
            var count = CheckpointConverter.ConvertFile(model, FixturePaths.File("DenseNet", fixture.GetProperty("state_dict").GetString()!), converted, WeightSource.Torchvision);
            Assert.Equal(model.state_dict().Count, count);
        }

        using var fresh = Build(fixture);
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        fresh.eval();
        using var noGrad = no_grad();
        using var input = FixtureInput();
        using var logits = fresh.call(input);
        var reference = (Tensor)TorchCheckpointReader.ReadDictionary(FixturePaths.File("DenseNet", fixture.GetProperty("io").GetString()!))["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"{name}: max |ours - torchvision's| = {difference:E2} (logits up to {reference.abs().max().item<float>()})");
        Assert.True(difference < 1e-5f * scale, $"{name}: max |ours - torchvision's| = {difference}");
    }

    [Theory]
    [InlineData("121", new[] { 128, 256, 512, 1024 })]
    [InlineData("161", new[] { 192, 384, 1056, 2208 })]
    [InlineData("169", new[] { 128, 256, 640, 1664 })]
    [InlineData("201", new[] { 128, 256, 896, 1920 })]
    public void Full_archs_have_mmpretrains_channels_and_with_a_1000_class_head_torchvisions_parameter_count(string arch, int[] channels)
    {
        var expected = Fixtures.Value.GetProperty("full_parameter_counts").GetProperty(arch);
        using var backbone = new DenseNetConfig { Arch = arch }.Build();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal(channels, info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal([8, 16, 32, 32], info.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal(expected.GetProperty("classifier_in").GetInt32(), channels[^1]);

        // The config's LinearClsHead is torchvision's classifier.
        var head = (channels[^1] + 1L) * 1000;
        Assert.Equal(expected.GetProperty("total").GetInt64(), backbone.parameters().Sum(parameter => parameter.numel()) + head);
    }

    [Fact]
    public void Feature_info_matches_every_output_and_negative_indices_count_from_the_end()
    {
        using var backbone = NarrowDenseNetForTests.Small(new DenseNetConfig { OutIndices = [0, 1, -2, -1] });
        backbone.eval();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal([0, 1, 2, 3], info.OutIndices);

        // 8 + 2 * 4 = 16 halved to 8, + 3 * 4 = 20 halved to 10, + 4 * 4 = 26 halved to 13, + 3 * 4 = 25.
        Assert.Equal([8, 10, 13, 25], info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal(["transitions.0", "transitions.1", "transitions.2", "transitions.3"], info.FeatureInfo.Select(stage => stage.Module));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var outputs = backbone.call(randn(2, 3, 64, 64));
        Assert.Equal(4, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.FeatureInfo[index];
            Assert.Equal([2L, stage.Channels, 64 / stage.Reduction, 64 / stage.Reduction], outputs[index].shape);
        }

        using var defaults = new DenseNetConfig().Build();
        Assert.Equal([3], ((IHasFeatureInfo)defaults).OutIndices);
        Assert.Equal("121", ((DenseNet)defaults).Arch);
    }

    [Fact]
    public void Arch_out_indices_and_frozen_stages_are_checked()
    {
        var arch = "122";
        Assert.Equal("arch", Assert.Throws<ConfigValueException>(() => new DenseNetConfig { Arch = arch }).Member);
        int[] outIndices = [4];
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new DenseNetConfig { OutIndices = outIndices }).Member);
        Assert.Equal(
            "out_indices[1] must be between -4 and 3 (the stage count is 4; negative indices count from the end), but got -5.",
            Assert.Throws<ConfigValueException>(() => new DenseNet(outIndices: [0, -5])).Message);
        var frozen = 5;
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new DenseNetConfig { FrozenStages = frozen }).Member);
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var backbone = NarrowDenseNetForTests.Small(new DenseNetConfig());
        var keys = backbone.state_dict().Keys.ToHashSet();
        string[] pinned =
        [
            "stem.0.weight", "stem.1.running_mean",
            "stages.0.block.0.norm1.weight", "stages.0.block.0.conv1.weight", "stages.0.block.1.norm2.num_batches_tracked", "stages.0.block.1.conv2.weight",
            "transitions.0.norm.weight", "transitions.0.conv.weight", "stages.3.block.2.conv2.weight", "transitions.3.0.running_var",
        ];
        Assert.All(pinned, key => Assert.Contains(key, keys));
        Assert.DoesNotContain(keys, key => key.EndsWith("conv1.bias", StringComparison.Ordinal) || key.EndsWith("conv.bias", StringComparison.Ordinal) || key == "stem.0.bias");
        Assert.DoesNotContain("transitions.3.norm.weight", keys);
        Assert.Equal([16L, 8, 1, 1], backbone.state_dict()["stages.0.block.0.conv1.weight"].shape);
        Assert.Equal([4L, 16, 3, 3], backbone.state_dict()["stages.0.block.1.conv2.weight"].shape);
    }

    [Fact]
    public void Frozen_stages_keep_their_blocks_and_transitions_through_training_but_not_the_stem()
    {
        manual_seed(9);
        using var backbone = NarrowDenseNetForTests.Small(new DenseNetConfig { FrozenStages = 2 });
        static bool IsFrozen(string name) => name.StartsWith("stages.0.", StringComparison.Ordinal) || name.StartsWith("stages.1.", StringComparison.Ordinal)
            || name.StartsWith("transitions.0.", StringComparison.Ordinal) || name.StartsWith("transitions.1.", StringComparison.Ordinal);
        using var stem = backbone.state_dict()["stem.0.weight"].clone();
        Probe.AssertFrozenThroughTraining(backbone, channels: 25, IsFrozen);

        Assert.False(stem.allclose(backbone.state_dict()["stem.0.weight"], 0, 0));
        var modes = backbone.named_modules().ToDictionary(pair => pair.name, pair => pair.module.training);
        Assert.False(modes["stages.1"]);
        Assert.False(modes["transitions.1"]);
        Assert.True(modes["stages.2"]);
        Assert.True(modes["stem"]);
    }

    [Fact]
    public void A_small_DenseNet_learns_fashion_mnist()
    {
        // Three blocks, as mmpretrain's dict archs allow: 28 x 28 images pool to 7, 3, 1 (a fourth
        // block's transition would pool to nothing). 8 + 2 * 4 halved, + 3 * 4 halved, + 4 * 4 = 26.
        manual_seed(7);
        using var backbone = new NarrowDenseNetForTests(new DenseNetConfig(), 4, [2, 3, 4], 8);
        FashionMnistProbe.AssertLearns(backbone, channels: 26, output);
    }

    private static Classifier Build(JsonElement fixture)
    {
        var config = (DenseNetConfig)ZooConfigBinder.Bind<Backbone>(fixture.GetProperty("backbone"));
        var depths = fixture.GetProperty("depths").EnumerateArray().Select(item => item.GetInt32()).ToArray();
        var backbone = new NarrowDenseNetForTests(config, fixture.GetProperty("growth_rate").GetInt32(), depths, fixture.GetProperty("init_channels").GetInt32());
        var head = new LinearClsHeadConfig { NumClasses = fixture.GetProperty("num_classes").GetInt32(), InChannels = fixture.GetProperty("head_in_channels").GetInt32() }.Build();
        return new ImageClassifierModel(backbone, neck: new GlobalAveragePooling(), head: head);
    }

    private static Tensor FixtureInput() =>
        FormulaInput.Create([.. Fixtures.Value.GetProperty("input").GetProperty("shape").EnumerateArray().Select(item => item.GetInt64())]);
}
