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
/// SwinTransformer against torchvision 0.14's Swin Transformer (Fixtures/SwinTransformer, written by
/// tools/fixtures/make_swin_transformer_fixtures.py): logits of a narrow model converted with the
/// torchvision key map, and the parameter counts of swin_t, swin_s and swin_b; and mmpretrain's
/// arch table, outputs, freezing and keys.
/// </summary>
public sealed class SwinTransformerTests(ITestOutputHelper output)
{
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("SwinTransformer", "cases.json"))).RootElement;

    [Fact]
    public void Converted_torchvision_weights_give_torchvisions_logits_within_1e_5()
    {
        var fixture = Fixture.GetProperty("cases")[0];
        using var scope = NewDisposeScope();
        using var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        var state = StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(FixturePaths.File("SwinTransformer", fixture.GetProperty("state_dict").GetString()!)));
        var converted = CheckpointConverter.Convert(model, state, WeightSource.Torchvision);
        Assert.Equal(model.state_dict().Count, converted.Count);
        Assert.True(ModelWeights.Load(model, converted, strict: true).Report.IsExact);

        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("SwinTransformer", fixture.GetProperty("io").GetString()!));
        model.eval();
        using var noGrad = no_grad();
        var logits = model.call((Tensor)io["input"]!);
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        Assert.True(difference < 1e-5f * scale, $"max |ours - torchvision's| = {difference} (logits up to {scale})");
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("base")]
    public void Full_archs_have_torchvisions_parameter_count(string arch)
    {
        var expected = Fixture.GetProperty("full_parameter_counts").GetProperty(arch).GetInt64();
        using var backbone = new SwinTransformerConfig { Arch = arch }.Build();
        var swin = (SwinTransformer)backbone;
        var channels = swin.EmbedDims * 8;

        // torchvision's count includes the final norm (built here as norm3) and a 1000-class head.
        var head = (channels * 1000L) + 1000;
        Assert.Equal(expected, backbone.parameters().Sum(parameter => parameter.numel()) + head);
    }

    [Fact]
    public void Arch_table_is_mmpretrains()
    {
        (string Arch, int EmbedDims, int[] Depths, int[] Heads)[] table =
        [
            ("tiny", 96, [2, 2, 6, 2], [3, 6, 12, 24]),
            ("small", 96, [2, 2, 18, 2], [3, 6, 12, 24]),
            ("base", 128, [2, 2, 18, 2], [4, 8, 16, 32]),
            ("large", 192, [2, 2, 18, 2], [6, 12, 24, 48]),
        ];
        foreach (var (arch, embedDims, depths, heads) in table)
        {
            var config = new SwinTransformerConfig { Arch = arch };
            using var backbone = (SwinTransformer)config.Build();
            Assert.Equal(embedDims, backbone.EmbedDims);
            Assert.Equal(depths, backbone.Depths);
            Assert.Equal(heads, backbone.NumHeads);
            Assert.Equal([embedDims, embedDims * 2, embedDims * 4, embedDims * 8], backbone.FeatureInfo.Select(stage => stage.Channels));
        }
    }

    [Fact]
    public void A_custom_arch_needs_all_three_settings_and_heads_that_divide_the_channels()
    {
        Assert.Equal("depths", Assert.Throws<ConfigValueException>(() => new SwinTransformer(embedDims: 8, numHeads: [1, 1, 1, 1])).Member);
        Assert.Equal("num_heads[1]", Assert.Throws<ConfigValueException>(() => new SwinTransformer(embedDims: 8, depths: [1, 1], numHeads: [2, 3])).Member);
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => Small(frozenStages: 4)).Member);
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => Small(outIndices: [4])).Member);
    }

    [Theory]
    [InlineData(false, new[] { 4, 8, 16, 32 }, new[] { 8, 16, 32, 64 })]
    [InlineData(true, new[] { 8, 16, 32, 32 }, new[] { 16, 32, 64, 64 })]
    public void Feature_info_matches_the_output_shapes_of_every_stage(bool outAfterDownsample, int[] reductions, int[] channels)
    {
        using var backbone = Small(outIndices: [0, 1, 2, 3], outAfterDownsample: outAfterDownsample);
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal(reductions, info.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal(channels, info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal(["stages.0", "stages.1", "stages.2", "stages.3"], info.FeatureInfo.Select(stage => stage.Module));
        backbone.eval();
        using var scope = NewDisposeScope();
        var outputs = backbone.call(randn(2, 3, 128, 128));
        Assert.Equal(4, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.FeatureInfo[index];
            Assert.Equal([2L, stage.Channels, 128 / stage.Reduction, 128 / stage.Reduction], outputs[index].shape);
        }
    }

    [Fact]
    public void Maps_that_are_not_whole_windows_are_padded_and_maps_below_a_window_need_pad_small_map()
    {
        using var scope = NewDisposeScope();
        using var input = randn(1, 3, 100, 100);

        // 25, 13 and 7 patches a side for a window of 7: padded, padded, one whole window.
        using (var threeStages = new SwinTransformer(embedDims: 8, depths: [2, 2, 2], numHeads: [1, 2, 2], outIndices: [2]))
        {
            threeStages.eval();
            Assert.Equal([1L, 32, 7, 7], threeStages.call(input)[0].shape);
        }

        // The fourth stage would see 4 x 4 patches.
        using var fourStages = Small(windowSize: 7);
        fourStages.eval();
        Assert.Throws<ArgumentException>(() => fourStages.call(input));
        using var padded = Small(windowSize: 7, padSmallMap: true);
        padded.eval();
        Assert.Equal([1L, 64, 4, 4], padded.call(input)[0].shape);
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var backbone = Small(outIndices: [1, 3]);
        var state = backbone.state_dict();
        Assert.Equal([8L, 3, 4, 4], state["patch_embed.projection.weight"].shape);
        Assert.Contains("patch_embed.norm.bias", state.Keys);
        Assert.Equal([49L, 1], state["stages.0.blocks.0.attn.w_msa.relative_position_bias_table"].shape);
        Assert.Equal([16L, 16], state["stages.0.blocks.1.attn.w_msa.relative_position_index"].shape);
        Assert.Equal([24L, 8], state["stages.0.blocks.0.attn.w_msa.qkv.weight"].shape);
        Assert.Contains("stages.0.blocks.0.attn.w_msa.proj.bias", state.Keys);
        Assert.Equal([32L, 8], state["stages.0.blocks.0.ffn.layers.0.0.weight"].shape);
        Assert.Equal([8L, 32], state["stages.0.blocks.0.ffn.layers.1.weight"].shape);
        Assert.Contains("stages.0.blocks.0.norm2.weight", state.Keys);
        Assert.Equal([32L], state["stages.0.downsample.norm.weight"].shape);
        Assert.Equal([16L, 32], state["stages.0.downsample.reduction.weight"].shape);
        Assert.DoesNotContain("stages.0.downsample.reduction.bias", state.Keys);
        Assert.DoesNotContain(state.Keys, key => key.StartsWith("stages.3.downsample", StringComparison.Ordinal));
        Assert.Equal(["norm1.bias", "norm1.weight", "norm3.bias", "norm3.weight"], state.Keys.Where(key => key.StartsWith("norm", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        // Token (0, 0) against token (i, j): offset (-i, -j), table row (3 - i) * 7 + 3 - j.
        Assert.Equal(new long[] { 24, 23, 22, 21, 17, 16, 15, 14, 10, 9, 8, 7, 3, 2, 1, 0 }, IndexRow(state["stages.0.blocks.0.attn.w_msa.relative_position_index"]));
    }

    [Fact]
    public void Frozen_stages_keep_their_parameters_through_training()
    {
        manual_seed(11);
        using var backbone = Small(windowSize: 2, frozenStages: 1, outIndices: [0, 3]);
        bool IsFrozen(string name) => name.StartsWith("patch_embed.", StringComparison.Ordinal) || name.StartsWith("stages.0.", StringComparison.Ordinal)
            || name.StartsWith("stages.1.", StringComparison.Ordinal) || name.StartsWith("norm0.", StringComparison.Ordinal);
        Probe.AssertFrozenThroughTraining(backbone, channels: 64, IsFrozen, size: 64, everyOtherChanges: true);

        // Frozen stages stay in evaluation mode through train().
        Assert.False(backbone.named_modules().Single(pair => pair.name == "stages.1").module.training);
        Assert.True(backbone.named_modules().Single(pair => pair.name == "stages.2").module.training);
    }

    [Fact]
    public void Layer_depths_number_the_blocks_as_mmpretrain_does()
    {
        using var backbone = new SwinTransformerConfig { Arch = "tiny" }.Build();
        var depth = (ILayerDepth)backbone;
        Assert.Equal((0, 14), depth.GetLayerDepth("backbone.patch_embed.projection.weight", "backbone."));
        Assert.Equal((8, 14), depth.GetLayerDepth("backbone.stages.2.blocks.3.attn.w_msa.qkv.weight", "backbone."));
        Assert.Equal((4, 14), depth.GetLayerDepth("backbone.stages.1.downsample.reduction.weight", "backbone."));
        Assert.Equal((13, 14), depth.GetLayerDepth("backbone.norm3.weight", "backbone."));
        Assert.Equal((13, 14), depth.GetLayerDepth("head.fc.weight", "backbone."));
    }

    [Fact]
    public void A_narrow_swin_learns_on_fashion_mnist()
    {
        manual_seed(7);

        // 28 x 28 images in patches of 2 give maps of 14, 7 (padded to whole windows of 2), 4 and 2.
        using var backbone = new SwinTransformer(embedDims: 8, depths: [2, 2, 2, 2], numHeads: [1, 2, 2, 4], patchSize: 2, windowSize: 2, dropPathRate: 0.1);
        FashionMnistProbe.AssertLearns(backbone, channels: 64, output, learningRate: 0.01);
    }

    // A narrow four-stage arch: 8, 16, 32, 64 channels, two blocks a stage, window 4 unless given.
    private static SwinTransformer Small(int windowSize = 4, int frozenStages = -1, int[]? outIndices = null, bool outAfterDownsample = false, bool padSmallMap = false, double dropPathRate = 0) =>
        new(embedDims: 8, depths: [2, 2, 2, 2], numHeads: [1, 2, 2, 4], windowSize: windowSize, dropPathRate: dropPathRate, outIndices: outIndices,
            outAfterDownsample: outAfterDownsample, frozenStages: frozenStages, padSmallMap: padSmallMap);

    private static long[] IndexRow(Tensor index) => index[0].data<long>().ToArray();
}
