using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

public sealed class ResNetTests
{
    [Fact]
    public void Depth_19_is_rejected_naming_the_allowed_depths()
    {
        var depth = 19;
        var fromConfig = Assert.Throws<ConfigValueException>(() => new ResNetConfig { Depth = depth });
        Assert.Equal("depth", fromConfig.Member);
        Assert.Contains("18, 34, 50, 101, 152", fromConfig.Message);

        var fromConstructor = Assert.Throws<ConfigValueException>(() => new ResNet(depth));
        Assert.Equal("depth must be one of 18, 34, 50, 101, 152, but got 19.", fromConstructor.Message);
    }

    [Fact]
    public void Out_index_9_is_rejected_naming_the_allowed_stages()
    {
        int[] outIndices = [1, 9];
        var fromConfig = Assert.Throws<ConfigValueException>(() => new ResNetConfig { Depth = 18, OutIndices = outIndices });
        Assert.Equal("out_indices[1]", fromConfig.Member);
        Assert.Contains("between 0 and 3", fromConfig.Message);

        var fromConstructor = Assert.Throws<ConfigValueException>(() => new ResNet(18, outIndices: outIndices));
        Assert.Equal("out_indices[1] must be one of 0, 1, 2, 3 (num_stages is 4), but got 9.", fromConstructor.Message);
    }

    [Fact]
    public void Out_indices_are_checked_against_num_stages()
    {
        var config = new ResNetConfig { Depth = 18, NumStages = 2, Strides = [1, 2], Dilations = [1, 1], OutIndices = [2] };
        var error = Assert.Throws<ConfigValueException>(() => config.Build());
        Assert.Equal("out_indices[0] must be one of 0, 1 (num_stages is 2), but got 2.", error.Message);
    }

    [Fact]
    public void Strides_need_one_item_per_stage()
    {
        var config = new ResNetConfig { Depth = 18, NumStages = 2, OutIndices = [1] };
        var error = Assert.Throws<ConfigValueException>(() => config.Build());
        Assert.Equal("strides", error.Member);
        Assert.Contains("2 items, one per stage", error.Message);
    }

    [Fact]
    public void Frozen_stages_beyond_num_stages_and_expansions_of_basic_blocks_are_rejected()
    {
        var frozen = new ResNetConfig { Depth = 18, NumStages = 2, Strides = [1, 2], Dilations = [1, 1], OutIndices = [1], FrozenStages = 3 };
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => frozen.Build()).Member);

        var expansion = new ResNetConfig { Depth = 34, Expansion = 2 };
        Assert.Equal("expansion", Assert.Throws<ConfigValueException>(() => expansion.Build()).Member);
    }

    [Fact]
    public void Keys_follow_mmpretrain_for_every_stem_and_shortcut()
    {
        using var plain = new ResNetConfig { Depth = 50, StemChannels = 8, BaseChannels = 4 }.Build();
        var plainKeys = plain.state_dict().Keys.ToHashSet();
        Assert.Contains("conv1.weight", plainKeys);
        Assert.Contains("bn1.num_batches_tracked", plainKeys);
        Assert.Contains("layer1.0.conv3.weight", plainKeys);
        Assert.Contains("layer1.0.bn3.running_var", plainKeys);
        Assert.Contains("layer2.0.downsample.0.weight", plainKeys);
        Assert.Contains("layer2.0.downsample.1.running_mean", plainKeys);
        Assert.DoesNotContain(plainKeys, key => key.StartsWith("stem.", StringComparison.Ordinal));

        using var v1d = new ResNetV1dConfig { Depth = 50, StemChannels = 8, BaseChannels = 4 }.Build();
        var v1dKeys = v1d.state_dict().Keys.ToHashSet();
        Assert.Contains("stem.0.conv.weight", v1dKeys);
        Assert.Contains("stem.2.bn.running_mean", v1dKeys);
        Assert.Contains("layer2.0.downsample.1.weight", v1dKeys);
        Assert.Contains("layer2.0.downsample.2.running_var", v1dKeys);
        Assert.DoesNotContain("conv1.weight", v1dKeys);

        // layer1 keeps its stride of 1, so V1d's shortcut there is a plain conv and norm.
        Assert.Contains("layer1.0.downsample.0.weight", v1dKeys);
        Assert.Contains("layer1.0.downsample.1.weight", v1dKeys);
    }

    [Fact]
    public void Group_norm_is_named_as_mmcv_names_it()
    {
        using var backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, NormCfg = new GroupNormalizationConfig { NumGroups = 4 } }.Build();
        var keys = backbone.state_dict().Keys.ToHashSet();
        Assert.Contains("gn1.weight", keys);
        Assert.Contains("layer1.0.gn2.bias", keys);
        Assert.DoesNotContain(keys, key => key.Contains("bn", StringComparison.Ordinal));
        Assert.All(backbone.modules().OfType<GroupNorm>(), norm => Assert.Equal(4, norm.num_groups));

        using var input = randn(2, 3, 32, 32);
        var output = Assert.Single(backbone.call(input));
        Assert.Equal([2L, 64, 1, 1], output.shape);
        output.Dispose();
    }

    [Fact]
    public void Frozen_stages_stay_frozen_through_training_and_train_calls()
    {
        manual_seed(3);
        using var backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, FrozenStages = 1 }.Build();
        var frozenPrefixes = new[] { "conv1.", "bn1.", "layer1." };
        bool IsFrozen(string name) => frozenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

        var stats = backbone.state_dict().Where(pair => pair.Key.StartsWith("bn1.running", StringComparison.Ordinal) || pair.Key.StartsWith("layer1.", StringComparison.Ordinal) && pair.Key.Contains("running", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        Probe.AssertFrozenThroughTraining(backbone, channels: 64, IsFrozen);

        // Frozen stages stay in evaluation mode, so their running statistics did not move either.
        foreach (var (name, value) in stats)
        {
            Assert.True(backbone.state_dict()[name].allclose(value, 0, 0), $"{name} changed");
        }

        var modes = backbone.named_children().ToDictionary(pair => pair.name, pair => pair.module.training);
        Assert.False(modes["conv1"]);
        Assert.False(modes["bn1"]);
        Assert.False(modes["layer1"]);
        Assert.True(modes["layer2"]);
        Assert.All(stats.Values, tensor => tensor.Dispose());
    }

    [Fact]
    public void Norm_eval_keeps_batch_norm_statistics_during_a_training_forward()
    {
        manual_seed(4);
        using var backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, NormEval = true }.Build();
        backbone.train();
        var statistics = backbone.state_dict().Where(pair => pair.Key.Contains("running_", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        Assert.NotEmpty(statistics);

        using (var input = randn(2, 3, 32, 32))
        {
            foreach (var output in backbone.call(input))
            {
                output.Dispose();
            }
        }

        Assert.True(backbone.training);
        Assert.All(backbone.modules().Where(NormParameters.IsBatchNorm), norm => Assert.False(norm.training));
        foreach (var (name, value) in statistics)
        {
            Assert.True(backbone.state_dict()[name].allclose(value, 0, 0), $"{name} changed");
        }

        // Without norm_eval the same forward moves them.
        using var moving = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8 }.Build();
        moving.train();
        using var mean = moving.state_dict()["bn1.running_mean"].clone();
        using (var input = randn(2, 3, 32, 32))
        {
            foreach (var output in moving.call(input))
            {
                output.Dispose();
            }
        }

        Assert.False(moving.state_dict()["bn1.running_mean"].allclose(mean, 0, 0));
    }

    [Fact]
    public void Feature_info_matches_the_output_shapes()
    {
        using var multiScale = new ResNetConfig { Depth = 34, StemChannels = 8, BaseChannels = 8, OutIndices = [0, 1, 2, 3] }.Build();
        AssertFeatureInfo(multiScale, 64, [8, 16, 32, 64], [4, 8, 16, 32]);

        using var dilated = new ResNetV1cConfig { Depth = 50, StemChannels = 8, BaseChannels = 4, Strides = [1, 2, 2, 1], Dilations = [1, 1, 1, 2], OutIndices = [3, 1] }.Build();
        AssertFeatureInfo(dilated, 64, [16, 32, 64, 128], [4, 8, 16, 16]);

        using var cifar = new ResNetCifarForTests(new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, OutIndices = [0, 3] });
        AssertFeatureInfo(cifar, 32, [8, 16, 32, 64], [1, 2, 4, 8]);
    }

    [Fact]
    public void Out_indices_come_out_shallowest_first_once_each()
    {
        using var backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, OutIndices = [3, 0, 3] }.Build();
        Assert.Equal([0, 3], ((IHasFeatureInfo)backbone).OutIndices);
        using var input = randn(2, 3, 32, 32);
        var outputs = backbone.call(input);
        Assert.Equal([8L, 64], outputs.Select(output => output.shape[1]));
        foreach (var output in outputs)
        {
            output.Dispose();
        }
    }

    [Fact]
    public void Zero_init_residual_zeroes_the_last_norm_of_every_block_after_initialisation()
    {
        using var backbone = new ResNetConfig { Depth = 50, StemChannels = 8, BaseChannels = 4 }.Build();
        var configured = Assert.IsAssignableFrom<IHasInitConfig>(backbone);
        Assert.Equal(2, configured.InitCfg.Count);
        configured.OnWeightsInitialized();
        var state = backbone.state_dict();
        foreach (var (name, tensor) in state.Where(pair => pair.Key.Contains(".bn3.weight", StringComparison.Ordinal) || pair.Key.Contains(".bn3.bias", StringComparison.Ordinal)))
        {
            Assert.Equal(0, tensor.abs().sum().item<float>());
        }

        Assert.Equal(1, state["layer1.0.bn2.weight"].min().item<float>());

        using var kept = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, ZeroInitResidual = false }.Build();
        ((IHasInitConfig)kept).OnWeightsInitialized();
        Assert.Equal(1, kept.state_dict()["layer1.0.bn2.weight"].min().item<float>());
    }

    [Fact]
    public void Drop_path_applies_to_every_block_in_training_only()
    {
        manual_seed(5);
        using var backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, DropPathRate = 0.5 }.Build();
        var dropPaths = backbone.modules().OfType<DropPath>().ToList();
        Assert.Equal(8, dropPaths.Count);
        Assert.All(dropPaths, dropPath => Assert.Equal(0.5, dropPath.DropProb));

        backbone.eval();
        using var input = randn(2, 3, 32, 32);
        using var first = backbone.call(input)[0];
        using var second = backbone.call(input)[0];
        Assert.True(first.allclose(second, 0, 0));
    }

    private static void AssertFeatureInfo(Backbone backbone, int size, int[] channels, int[] reductions)
    {
        var info = (IHasFeatureInfo)backbone;
        Assert.Equal(channels, info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal(reductions, info.FeatureInfo.Select(stage => stage.Reduction));
        backbone.eval();
        using var input = randn(2, 3, size, size);
        var outputs = backbone.call(input);
        Assert.Equal(info.OutIndices.Count, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = info.OutputFeatureInfo[index];
            Assert.Equal([2L, stage.Channels, size / stage.Reduction, size / stage.Reduction], outputs[index].shape);
            outputs[index].Dispose();
        }
    }
}
