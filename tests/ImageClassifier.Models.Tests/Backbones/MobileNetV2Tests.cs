using ImageClassifier.Models.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

public sealed class MobileNetV2Tests
{
    [Fact]
    public void Out_index_9_and_frozen_stage_8_are_rejected_naming_the_allowed_values()
    {
        int[] outIndices = [9];
        var fromConfig = Assert.Throws<ConfigValueException>(() => new MobileNetV2Config { OutIndices = outIndices });
        Assert.Equal("out_indices[0]", fromConfig.Member);
        Assert.Contains("between 0 and 7", fromConfig.Message);

        var fromConstructor = Assert.Throws<ConfigValueException>(() => new MobileNetV2(outIndices: outIndices));
        Assert.Equal("out_indices[0] must be one of 0, 1, 2, 3, 4, 5, 6, 7 (the stage count is 8), but got 9.", fromConstructor.Message);

        var frozen = 8;
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new MobileNetV2Config { FrozenStages = frozen }).Member);
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new MobileNetV2(frozenStages: frozen)).Member);
    }

    [Theory]
    [InlineData(1.0, new[] { 16, 24, 32, 64, 96, 160, 320, 1280 })]
    [InlineData(0.5, new[] { 8, 16, 16, 32, 48, 80, 160, 1280 })]
    [InlineData(0.35, new[] { 8, 8, 16, 24, 32, 56, 112, 1280 })]
    [InlineData(1.4, new[] { 24, 32, 48, 88, 136, 224, 448, 1792 })]
    public void Channels_are_rounded_as_mmpretrain_rounds_them(double widenFactor, int[] channels)
    {
        using var backbone = new MobileNetV2Config { WidenFactor = widenFactor }.Build();
        Assert.Equal(channels, ((IHasFeatureInfo)backbone).FeatureInfo.Select(stage => stage.Channels));
    }

    [Fact]
    public void Keys_follow_mmpretrain()
    {
        using var backbone = new MobileNetV2Config { WidenFactor = 0.25 }.Build();
        var keys = backbone.state_dict().Keys.ToHashSet();
        Assert.Contains("conv1.conv.weight", keys);
        Assert.Contains("conv1.bn.running_var", keys);

        // layer1's expand ratio is 1: no expanding conv, so conv.0 is the depthwise one.
        Assert.Equal([8L, 1, 3, 3], backbone.state_dict()["layer1.0.conv.0.conv.weight"].shape);
        Assert.DoesNotContain("layer1.0.conv.2.conv.weight", keys);
        Assert.Contains("layer2.0.conv.2.bn.weight", keys);
        Assert.Contains("layer7.0.conv.2.conv.weight", keys);
        Assert.Contains("conv2.conv.weight", keys);
        Assert.DoesNotContain(keys, key => key.EndsWith(".bias", StringComparison.Ordinal) && key.Contains(".conv.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Feature_info_matches_the_output_shapes_of_every_stage()
    {
        using var backbone = new MobileNetV2Config { WidenFactor = 0.25, OutIndices = [0, 1, 2, 3, 4, 5, 6, 7] }.Build();
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal([2, 4, 8, 16, 16, 32, 32, 32], info.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal(["layer1", "layer2", "layer3", "layer4", "layer5", "layer6", "layer7", "conv2"], info.FeatureInfo.Select(stage => stage.Module));
        backbone.eval();
        using var input = randn(2, 3, 64, 64);
        var outputs = backbone.call(input);
        Assert.Equal(8, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.FeatureInfo[index];
            Assert.Equal([2L, stage.Channels, 64 / stage.Reduction, 64 / stage.Reduction], outputs[index].shape);
            outputs[index].Dispose();
        }
    }

    [Fact]
    public void Frozen_stages_keep_their_parameters_through_training()
    {
        manual_seed(11);
        using var backbone = new MobileNetV2Config { WidenFactor = 0.25, FrozenStages = 2 }.Build();
        bool IsFrozen(string name) => name.StartsWith("conv1.", StringComparison.Ordinal) || name.StartsWith("layer1.", StringComparison.Ordinal) || name.StartsWith("layer2.", StringComparison.Ordinal);
        Probe.AssertFrozenThroughTraining(backbone, channels: 1280, IsFrozen);

        var modes = backbone.named_children().ToDictionary(pair => pair.name, pair => pair.module.training);
        Assert.False(modes["layer1"]);
        Assert.False(modes["layer2"]);
        Assert.True(modes["layer3"]);
    }

    [Fact]
    public void Inverted_residuals_add_the_input_back_only_when_shapes_match()
    {
        using var backbone = new MobileNetV2Config { WidenFactor = 0.25 }.Build();
        var blocks = backbone.modules().OfType<InvertedResidual>().ToList();
        Assert.Equal(17, blocks.Count);

        // layer1 (1 block, 8 -> 8 at stride 1) and the later blocks of each stage keep their shape.
        Assert.Equal(1 + 1 + 2 + 3 + 2 + 2, blocks.Count(block => block.UsesResidual));
    }
}
