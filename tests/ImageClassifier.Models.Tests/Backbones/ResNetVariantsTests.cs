using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

public sealed class ResNetVariantsTests
{
    [Fact]
    public void ResNetV1c_defaults_to_the_deep_stem_and_refuses_to_turn_it_off()
    {
        var config = new ResNetV1cConfig { Depth = 18 };
        Assert.True(config.DeepStem);
        Assert.False(config.AvgDown);
        Assert.Equal("ResNetV1c", config.TypeName);

        config.DeepStem = false;
        var error = Assert.Throws<ConfigValueException>(() => config.Build());
        Assert.Equal("deep_stem", error.Member);
        Assert.Contains("true for ResNetV1c", error.Message);

        var averaged = new ResNetV1cConfig { Depth = 18, AvgDown = true };
        Assert.Equal("avg_down", Assert.Throws<ConfigValueException>(() => averaged.Build()).Member);
    }

    [Fact]
    public void ResNetV1d_refuses_to_turn_off_the_deep_stem_or_the_average_pooled_shortcuts()
    {
        var config = new ResNetV1dConfig { Depth = 50 };
        Assert.True(config.DeepStem);
        Assert.True(config.AvgDown);

        var shallow = new ResNetV1dConfig { Depth = 50, DeepStem = false };
        Assert.Equal("deep_stem", Assert.Throws<ConfigValueException>(() => shallow.Build()).Member);
        var strided = new ResNetV1dConfig { Depth = 50, AvgDown = false };
        Assert.Equal("avg_down", Assert.Throws<ConfigValueException>(() => strided.Build()).Member);
    }

    [Fact]
    public void Variants_are_resnets_built_through_their_own_configs()
    {
        using var v1c = new ResNetV1cConfig { Depth = 18, StemChannels = 8, BaseChannels = 8 }.Build();
        Assert.IsType<ResNetV1c>(v1c);
        Assert.True(v1c.DeepStem);
        Assert.False(v1c.AvgDown);
        using var v1d = new ResNetV1dConfig { Depth = 18, StemChannels = 8, BaseChannels = 8 }.Build();
        Assert.IsType<ResNetV1d>(v1d);
        Assert.True(v1d.AvgDown);
    }

    [Fact]
    public void A_subclass_can_replace_the_stem_like_ResNet_CIFAR()
    {
        using var cifar = new ResNetCifarForTests(new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, OutIndices = [0, 3] });
        var keys = cifar.state_dict().Keys.ToList();
        Assert.Equal("conv1.weight", keys.Single(key => key.StartsWith("conv1.", StringComparison.Ordinal)));
        Assert.Equal([8L, 3, 3, 3], cifar.state_dict()["conv1.weight"].shape);
        Assert.Contains("bn1.running_mean", keys);
        Assert.DoesNotContain(keys, key => key.StartsWith("stem.", StringComparison.Ordinal));
        Assert.DoesNotContain(cifar.named_children(), child => child.name == "maxpool");

        cifar.eval();
        using var input = randn(2, 3, 32, 32);
        var outputs = cifar.call(input);
        Assert.Equal([2L, 8, 32, 32], outputs[0].shape);
        Assert.Equal([2L, 64, 4, 4], outputs[1].shape);
        foreach (var output in outputs)
        {
            output.Dispose();
        }

        var deep = new ResNetConfig { Depth = 18, DeepStem = true };
        Assert.Equal("deep_stem", Assert.Throws<ConfigValueException>(() => new ResNetCifarForTests(deep)).Member);
    }
}
