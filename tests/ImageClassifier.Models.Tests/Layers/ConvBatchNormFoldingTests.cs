using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

/// <summary>
/// Folding batch norms into the convolutions before them changes how a backbone computes, never
/// what: each backbone's outputs, with batch norm statistics and affine parameters made far from
/// their initial values, before and after folding.
/// </summary>
public sealed class ConvBatchNormFoldingTests
{
    public static TheoryData<string> Backbones => ["resnet18", "resnet50", "resnetv1d_deep_stem_avg_down", "mobilenet_v2"];

    [Theory]
    [MemberData(nameof(Backbones))]
    public void Folded_backbones_give_the_unfolded_outputs_within_1e_5(string name)
    {
        using var backbone = Build(name);
        var batchNorms = backbone.modules().OfType<BatchNorm2d>().ToArray();
        NormStatistics.Randomize(backbone, seed: 7);
        backbone.eval();
        using var input = torch.randn([2, 3, 64, 64], generator: new Generator(11));
        using var noGrad = torch.no_grad();
        var before = backbone.call(input).Select(output => output.clone()).ToArray();

        var folded = ConvBatchNormFolding.Fold(backbone);
        var after = backbone.call(input);

        // Every batch norm of these backbones follows a convolution, so all of them fold.
        Assert.Equal(batchNorms.Length, folded);
        Assert.All(batchNorms, norm => Assert.True(norm.IsFolded));
        for (var index = 0; index < before.Length; index++)
        {
            var scale = Math.Max(1.0, before[index].abs().max().item<float>());
            var difference = (after[index] - before[index]).abs().max().item<float>();
            Assert.True(difference <= 1e-5 * scale, $"{name} output {index}: max |folded - unfolded| = {difference} (outputs up to {scale})");
        }
    }

    [Fact]
    public void A_folded_batch_norm_refuses_to_train()
    {
        using var block = nn.Sequential(nn.Conv2d(2, 4, 3, bias: false), new BatchNorm2d(4));
        block.eval();
        Assert.Equal(1, ConvBatchNormFolding.Fold(block));

        block.train();
        using var input = torch.zeros(1, 2, 5, 5);
        Assert.Throws<InvalidOperationException>(() => block.call(input));
    }

    [Fact]
    public void A_model_in_training_mode_is_not_folded()
    {
        using var block = nn.Sequential(nn.Conv2d(2, 4, 3), new BatchNorm2d(4));

        Assert.Throws<InvalidOperationException>(() => ConvBatchNormFolding.Fold(block));
    }

    [Fact]
    public void A_batch_norm_that_does_not_follow_a_convolution_stays()
    {
        using var block = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), new BatchNorm2d(4));
        block.eval();

        Assert.Equal(0, ConvBatchNormFolding.Fold(block));
    }

    [Fact]
    public void A_convolution_with_a_bias_keeps_it_in_the_folded_one()
    {
        using var block = nn.Sequential(nn.Conv2d(2, 4, 3, bias: true), new BatchNorm2d(4));
        NormStatistics.Randomize(block, seed: 3);
        block.eval();
        using var input = torch.randn([3, 2, 6, 6], generator: new Generator(5));
        using var noGrad = torch.no_grad();
        using var before = block.call(input);

        ConvBatchNormFolding.Fold(block);
        using var after = block.call(input);

        Assert.True((after - before).abs().max().item<float>() < 1e-5f);
    }

    private static Backbone Build(string name) => name switch
    {
        "resnet18" => new ResNet(18, stemChannels: 16, baseChannels: 16, outIndices: [1, 3]),
        "resnet50" => new ResNet(50, stemChannels: 16, baseChannels: 8, outIndices: [3]),
        "resnetv1d_deep_stem_avg_down" => new ResNetV1d(new ResNetConfig { Depth = 50, StemChannels = 16, BaseChannels = 8, DeepStem = true, AvgDown = true }),
        "mobilenet_v2" => new MobileNetV2(widenFactor: 0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
