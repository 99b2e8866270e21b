using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// mmpretrain's VGG against torchvision 0.14's (Fixtures/VGG, tools/fixtures/make_vgg_fixtures.py:
/// torchvision's own VGG class and make_layers at a sixteenth of the widths), and its options.
/// </summary>
public sealed class VGGTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Lazy<JsonElement> Fixtures = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("VGG", "cases.json"))).RootElement);

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-vgg-{Guid.NewGuid():N}");

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
        var fixture = Fixtures.Value.GetProperty("cases").EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);
        Directory.CreateDirectory(folder);
        var converted = Path.Combine(folder, name + ".pth");
        using (var model = Build(fixture))
        {
            var count = CheckpointConverter.ConvertFile(model, FixturePaths.File("VGG", fixture.GetProperty("state_dict").GetString()!), converted, WeightSource.Torchvision);
            Assert.Equal(model.state_dict().Count, count);
        }

        using var fresh = Build(fixture);
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        fresh.eval();
        using var noGrad = no_grad();
        using var input = FixtureInput();
        using var logits = fresh.call(input);
        var reference = (Tensor)TorchCheckpointReader.ReadDictionary(FixturePaths.File("VGG", fixture.GetProperty("io").GetString()!))["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"{name}: max |ours - torchvision's| = {difference:E2} (logits up to {scale})");
        Assert.True(difference < 1e-5f * scale, $"{name}: max |ours - torchvision's| = {difference} (logits up to {scale})");
    }

    [Theory]
    [InlineData(11, false)]
    [InlineData(11, true)]
    [InlineData(13, false)]
    [InlineData(13, true)]
    [InlineData(16, false)]
    [InlineData(16, true)]
    [InlineData(19, false)]
    [InlineData(19, true)]
    public void Full_archs_with_1000_classes_have_torchvisions_parameter_counts(int depth, bool batchNorm)
    {
        // mmpretrain's VGG with num_classes 1000 is torchvision's vggN(_bn) layer for layer
        // (mmpretrain has no adaptive pooling, which has no parameters).
        var name = $"vgg{depth}{(batchNorm ? "_bn" : string.Empty)}";
        var expected = Fixtures.Value.GetProperty("full_parameter_counts").GetProperty(name).GetInt64();
        using var backbone = new VGGConfig { Depth = depth, NumClasses = 1000, NormCfg = batchNorm ? new BatchNormalizationConfig() : null }.Build();
        Assert.Equal(expected, backbone.parameters().Sum(parameter => parameter.numel()));
    }

    [Theory]
    [InlineData(11, new[] { 1, 1, 2, 2, 2 })]
    [InlineData(13, new[] { 2, 2, 2, 2, 2 })]
    [InlineData(16, new[] { 2, 2, 3, 3, 3 })]
    [InlineData(19, new[] { 2, 2, 4, 4, 4 })]
    public void Stages_have_mmpretrains_convs_and_channels(int depth, int[] convs)
    {
        using var backbone = new VGGConfig { Depth = depth, OutIndices = [0, 1, 2, 3, 4] }.Build();
        Assert.Equal(convs, backbone.StageBlocks);
        Assert.Equal([64, 128, 256, 512, 512], backbone.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal([2, 4, 8, 16, 32], backbone.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal(convs.Sum(), backbone.modules().OfType<ConvModule>().Count());
    }

    [Fact]
    public void Feature_info_matches_every_output_with_and_without_the_classifier()
    {
        using (var plain = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, OutIndices = [0, 1, 2, 3, 4] }))
        {
            plain.eval();
            Assert.Equal(["features.1", "features.3", "features.6", "features.9", "features.12"], plain.FeatureInfo.Select(stage => stage.Module));
            AssertOutputsMatch(plain, 64);
        }

        // The classifier's output comes last whatever out_indices says, at index num_stages.
        using var withClassifier = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NumClasses = 10, OutIndices = [2] });
        withClassifier.eval();
        Assert.Equal([2, 5], withClassifier.OutIndices);
        Assert.Equal([16, 10], ((IHasFeatureInfo)withClassifier).OutputFeatureInfo.Select(stage => stage.Channels));
        Assert.Equal("classifier", withClassifier.FeatureInfo[5].Module);
        AssertOutputsMatch(withClassifier, 224);

        using var defaults = new VGGConfig { Depth = 11, NumClasses = 10 }.Build();
        Assert.Equal([5], ((IHasFeatureInfo)defaults).OutIndices);
    }

    [Fact]
    public void Out_indices_dilations_and_frozen_stages_are_checked_against_the_stages()
    {
        var classifierIndex = new VGGConfig { Depth = 11, OutIndices = [5] };
        Assert.Equal(
            "out_indices[0] must be one of 0, 1, 2, 3, 4 (num_stages without a classifier is 5), but got 5.",
            Assert.Throws<ConfigValueException>(() => classifierIndex.Build()).Message);

        var dilations = new VGGConfig { Depth = 11, NumStages = 3 };
        Assert.Equal("dilations", Assert.Throws<ConfigValueException>(() => dilations.Build()).Member);

        var frozen = new VGGConfig { Depth = 11, NumStages = 3, Dilations = [1, 1, 1], FrozenStages = 4 };
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => frozen.Build()).Member);

        var depth = 12;
        Assert.Equal("depth", Assert.Throws<ConfigValueException>(() => new VGGConfig { Depth = depth }).Member);

        // Without a classifier the default output is the last stage built.
        using var short3 = new VGGConfig { Depth = 11, NumStages = 3, Dilations = [1, 1, 1] }.Build();
        Assert.Equal([2], ((IHasFeatureInfo)short3).OutIndices);
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var plain = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NumClasses = 10 });
        var keys = plain.state_dict().Keys.ToHashSet();
        Assert.Contains("features.0.conv.weight", keys);
        Assert.Contains("features.0.conv.bias", keys);
        Assert.Contains("features.2.conv.weight", keys);
        Assert.Contains("features.11.conv.weight", keys);

        // features.12 is the last pooling.
        Assert.DoesNotContain(keys, key => key.StartsWith("features.12.", StringComparison.Ordinal));
        Assert.Contains("classifier.6.bias", keys);
        Assert.DoesNotContain(keys, key => key.Contains(".bn.", StringComparison.Ordinal));
        Assert.Equal(8 * 2, keys.Count(key => key.StartsWith("features.", StringComparison.Ordinal)));

        // With BN the conv keeps its bias (mmpretrain builds every VGG conv with one).
        using var normed = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NormCfg = new BatchNormalizationConfig(), WithLastPool = false });
        var normedKeys = normed.state_dict().Keys.ToHashSet();
        Assert.Contains("features.0.conv.bias", normedKeys);
        Assert.Contains("features.0.bn.running_var", normedKeys);
        Assert.Contains("features.11.bn.num_batches_tracked", normedKeys);
        Assert.DoesNotContain(normedKeys, key => key.StartsWith("classifier.", StringComparison.Ordinal));
        Assert.Equal(16, normed.FeatureInfo[4].Reduction);
    }

    [Fact]
    public void Frozen_stages_keep_their_parameters_and_evaluation_mode_through_training()
    {
        manual_seed(5);
        using var backbone = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NormCfg = new BatchNormalizationConfig(), FrozenStages = 2 });

        // Stages 0 and 1 are features.0-1 and features.2-3.
        static bool IsFrozen(string name) => int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture) < 4;
        Probe.AssertFrozenThroughTraining(backbone, channels: 32, IsFrozen);

        var norms = backbone.named_modules().Where(pair => pair.name.EndsWith(".bn", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, norms.Count);
        Assert.All(norms, pair => Assert.Equal(!IsFrozen(pair.name), pair.module.training));
    }

    [Fact]
    public void Norm_eval_keeps_every_batch_norm_in_evaluation_mode()
    {
        using var backbone = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NormCfg = new BatchNormalizationConfig(), NormEval = true });
        backbone.train();
        var norms = backbone.modules().Where(NormParameters.IsBatchNorm).ToList();
        Assert.Equal(8, norms.Count);
        Assert.All(norms, norm => Assert.False(norm.training));
        Assert.True(backbone.training);

        using var before = backbone.state_dict()["features.0.bn.running_mean"].clone();
        using var input = randn(2, 3, 32, 32);
        foreach (var feature in backbone.call(input))
        {
            feature.Dispose();
        }

        Assert.True(TensorAssert.Same(before, backbone.state_dict()["features.0.bn.running_mean"]));
    }

    [Fact]
    public void A_narrow_VGG11_with_BN_learns_fashion_mnist()
    {
        // ceil_mode keeps 28 x 28 images from pooling to nothing: 14, 7, 4, 2, 1.
        manual_seed(7);
        using var backbone = NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NormCfg = new BatchNormalizationConfig(), CeilMode = true });
        FashionMnistProbe.AssertLearns(backbone, channels: 32, output);
    }

    private static Classifier Build(JsonElement fixture)
    {
        var config = (VGGConfig)ZooConfigBinder.Bind<Backbone>(fixture.GetProperty("backbone"));
        var channels = fixture.GetProperty("stage_channels").EnumerateArray().Select(item => item.GetInt32()).ToArray();
        var backbone = new NarrowVggForTests(config, channels, fixture.GetProperty("classifier_hidden").GetInt32());
        return new ImageClassifierModel(backbone, head: new ClsHead());
    }

    private static Tensor FixtureInput() =>
        FormulaInput.Create([.. Fixtures.Value.GetProperty("input").GetProperty("shape").EnumerateArray().Select(item => item.GetInt64())]);

    private static void AssertOutputsMatch(VGG backbone, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var outputs = backbone.call(randn(2, 3, size, size));
        var expected = ((IHasFeatureInfo)backbone).OutputFeatureInfo;
        Assert.Equal(expected.Count, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            long[] shape = outputs[index].dim() == 2
                ? [2, expected[index].Channels]
                : [2, expected[index].Channels, size / expected[index].Reduction, size / expected[index].Reduction];
            Assert.Equal(shape, outputs[index].shape);
        }
    }
}
