using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// SE-ResNeXt's own settings; its parity with the independent PyTorch implementation and its full
/// archs' parameter counts are in <see cref="SEResNetTests"/>, which share the fixture.
/// </summary>
public sealed class SEResNeXtTests(ITestOutputHelper output)
{
    [Fact]
    public void The_defaults_are_32x4d_with_se_ratio_16()
    {
        var config = new SEResNeXtConfig { Depth = 50 };
        Assert.Equal((32, 4, 16), (config.Groups, config.WidthPerGroup, config.SeRatio));
        using var backbone = config.Build();
        var block = (SEBottleneck)backbone.ResLayers[0][0];
        Assert.Equal(16, block.SeLayer.SqueezeChannels);
        Assert.Equal([128L, 4, 3, 3], backbone.state_dict()["layer1.0.conv2.weight"].shape);
        Assert.All(backbone.modules().OfType<Conv2d>().Where(conv => conv.weight!.shape[3] == 3), conv => Assert.Equal(32, conv.groups));
    }

    [Fact]
    public void Keys_match_the_independent_implementations()
    {
        using var backbone = new SEResNeXtConfig { Depth = 50, Groups = 4, WidthPerGroup = 2, StemChannels = 4, BaseChannels = 4 }.Build();
        var reference = TorchCheckpointReader.ReadDictionary(SEResNetTests.File(SEResNetTests.Case("seresnext50_g4w2_b4"), "state_dict")).Keys
            .Where(key => key.StartsWith("backbone.", StringComparison.Ordinal))
            .Select(key => key["backbone.".Length..]);
        Assert.Equal(reference.Order(StringComparer.Ordinal), backbone.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_narrow_seresnext50_learns_fashion_mnist()
    {
        manual_seed(7);
        using var backbone = new SEResNeXtConfig { Depth = 50, Groups = 4, WidthPerGroup = 2, StemChannels = 4, BaseChannels = 4 }.Build();
        FashionMnistProbe.AssertLearns(backbone, channels: 128, output);
    }
}
