using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

/// <summary>
/// The inference rewrite (batch norms folded, weights channels-last) changes how each zoo family
/// computes, never what: each backbone's outputs before and after, with batch norm statistics far
/// from their initial values. Channels-last strides reach every layer after the first convolution,
/// so a layer that assumes NCHW memory (a <c>view</c> of a feature map) fails here.
/// </summary>
public sealed class InferenceRewriteTests
{
    public static TheoryData<string> Families =>
        ["resnet18", "resnext50", "seresnet50", "mobilenet_v2", "mobilenet_v3", "efficientnet_b0", "vgg11_bn_with_classifier", "densenet", "convnext_atto", "vit_deit_tiny", "swin_tiny"];

    [Theory]
    [MemberData(nameof(Families))]
    public void Rewritten_backbones_give_the_original_outputs_within_1e_5(string family)
    {
        torch.manual_seed(3);
        using var backbone = Build(family);
        NormStatistics.Randomize(backbone, seed: 7);
        backbone.eval();
        // VGG's classifier takes 7 x 7 maps, so its input is 224 x 224 (narrow, so still cheap).
        var size = family.StartsWith("vgg", StringComparison.Ordinal) ? 224 : 64;
        using var input = torch.randn([2, 3, size, size], generator: new Generator(11));
        using var noGrad = torch.no_grad();
        var before = backbone.call(input).Select(output => output.clone()).ToArray();

        var report = InferenceRewrite.Apply(backbone, channelsLast: true);
        var after = backbone.call(input);

        Assert.True(report.ChannelsLastWeights > 0);
        Assert.All(backbone.parameters().Where(parameter => parameter.dim() == 4), parameter => Assert.True(ChannelsLastWeights.IsChannelsLast(parameter)));
        Assert.Equal(before.Length, after.Count);
        for (var index = 0; index < before.Length; index++)
        {
            Assert.Equal(before[index].shape, after[index].shape);
            var scale = Math.Max(1.0, before[index].abs().max().item<float>());
            var difference = (after[index] - before[index]).abs().max().item<float>();
            Assert.True(difference <= 1e-5 * scale, $"{family} output {index}: max |rewritten - original| = {difference} (outputs up to {scale})");
        }
    }

    [Fact]
    public void Channels_last_weights_keep_their_values_and_shapes()
    {
        using var convolution = nn.Conv2d(3, 5, 3);
        using var original = convolution.weight!.clone();

        Assert.Equal(1, ChannelsLastWeights.Apply(convolution));

        Assert.True(ChannelsLastWeights.IsChannelsLast(convolution.weight!));
        Assert.Equal(original.shape, convolution.weight!.shape);
        Assert.True(original.allclose(convolution.weight!, rtol: 0, atol: 0));
        Assert.Equal(0, ChannelsLastWeights.Apply(convolution));
    }

    internal static Backbone Build(string family) => family switch
    {
        "resnet18" => new ResNet(18, stemChannels: 16, baseChannels: 16, outIndices: [1, 3]),
        "resnext50" => new ResNeXt(50, stemChannels: 16, baseChannels: 16, groups: 4, widthPerGroup: 4),
        "seresnet50" => new SEResNet(50, stemChannels: 16, baseChannels: 8),
        "mobilenet_v2" => new MobileNetV2(widenFactor: 0.5),
        "mobilenet_v3" => new MobileNetV3("small_050"),
        "efficientnet_b0" => new EfficientNet("b0"),
        "vgg11_bn_with_classifier" => NarrowVggForTests.Sixteenth(new VGGConfig { Depth = 11, NumClasses = 7, NormCfg = new BatchNormalizationConfig() }),
        "densenet" => NarrowDenseNetForTests.Small(new DenseNetConfig()),
        "convnext_atto" => new ConvNeXt("atto", outIndices: [0, 3]),
        "vit_deit_tiny" => new VisionTransformer("deit-tiny", imgSize: 64, patchSize: 16),
        "swin_tiny" => new SwinTransformer("tiny", imgSize: 64, windowSize: 4, padSmallMap: true, outIndices: [0, 3]),
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };
}
