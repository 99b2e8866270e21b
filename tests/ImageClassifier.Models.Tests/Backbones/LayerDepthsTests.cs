using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// mmpretrain's layer numberings for layer-wise learning-rate decay, on the parameter names of its
/// backbones as ImageClassifier prefixes them; every expected pair was worked out by hand from the
/// get_layer_depth of mmpretrain's vision_transformer.py, swin_transformer.py, convnext.py and resnet.py.
/// </summary>
public sealed class LayerDepthsTests
{
    private const string Prefix = "backbone.";

    [Theory]
    [InlineData("backbone.cls_token", 0)]
    [InlineData("backbone.pos_embed", 0)]
    [InlineData("backbone.patch_embed.projection.weight", 0)]
    [InlineData("backbone.layers.0.ln1.weight", 1)]
    [InlineData("backbone.layers.11.ffn.layers.1.weight", 12)]
    [InlineData("backbone.ln1.weight", 13)]
    [InlineData("head.layers.head.weight", 13)]
    public void Vision_transformer_base(string name, int layer) =>
        Assert.Equal((layer, 14), LayerDepths.VisionTransformer(name, Prefix, 12));

    [Theory]
    [InlineData("backbone.patch_embed.projection.weight", 0)]
    [InlineData("backbone.stages.0.blocks.0.attn.w_msa.qkv.weight", 1)]
    [InlineData("backbone.stages.0.blocks.1.norm1.weight", 2)]
    [InlineData("backbone.stages.0.downsample.reduction.weight", 2)]
    [InlineData("backbone.stages.1.blocks.0.norm1.weight", 3)]
    [InlineData("backbone.stages.2.blocks.5.ffn.layers.0.0.weight", 10)]
    [InlineData("backbone.stages.2.downsample.norm.weight", 10)]
    [InlineData("backbone.stages.3.blocks.1.norm2.bias", 12)]
    [InlineData("backbone.norm3.weight", 13)]
    [InlineData("head.fc.weight", 13)]
    public void Swin_transformer_tiny(string name, int layer) =>
        Assert.Equal((layer, 14), LayerDepths.SwinTransformer(name, Prefix, [2, 2, 6, 2]));

    [Theory]
    [InlineData("backbone.downsample_layers.0.0.weight", 0)]
    [InlineData("backbone.stages.0.1.depthwise_conv.weight", 1)]
    [InlineData("backbone.downsample_layers.1.1.weight", 2)]
    [InlineData("backbone.stages.1.2.gamma", 2)]
    [InlineData("backbone.downsample_layers.2.1.weight", 3)]
    [InlineData("backbone.stages.2.0.norm.weight", 3)]
    [InlineData("backbone.stages.2.8.pointwise_conv1.weight", 5)]
    [InlineData("backbone.downsample_layers.3.1.weight", 6)]
    [InlineData("backbone.stages.3.2.gamma", 6)]
    [InlineData("backbone.norm3.weight", 7)]
    [InlineData("head.fc.weight", 7)]
    public void ConvNeXt_tiny(string name, int layer) =>
        Assert.Equal((layer, 8), LayerDepths.ConvNeXt(name, Prefix, [3, 3, 9, 3]));

    [Fact]
    public void ConvNeXt_with_a_deep_third_stage_has_twelve_stage_layers()
    {
        Assert.Equal((11, 14), LayerDepths.ConvNeXt("backbone.stages.2.26.gamma", Prefix, [3, 3, 27, 3]));
        Assert.Equal((12, 14), LayerDepths.ConvNeXt("backbone.stages.3.0.gamma", Prefix, [3, 3, 27, 3]));
        Assert.Equal((13, 14), LayerDepths.ConvNeXt("head.fc.weight", Prefix, [3, 3, 27, 3]));
    }

    [Theory]
    [InlineData("backbone.conv1.weight", 0)]
    [InlineData("backbone.bn1.weight", 0)]
    [InlineData("backbone.layer1.2.conv3.weight", 1)]
    [InlineData("backbone.layer2.0.conv1.weight", 2)]
    [InlineData("backbone.layer2.3.bn2.bias", 3)]
    [InlineData("backbone.layer3.2.conv2.weight", 4)]
    [InlineData("backbone.layer3.5.conv2.weight", 5)]
    [InlineData("backbone.layer4.0.downsample.0.weight", 6)]
    [InlineData("head.fc.weight", 7)]
    public void ResNet_50(string name, int layer) =>
        Assert.Equal((layer, 8), LayerDepths.ResNet(name, Prefix, [3, 4, 6, 3]));

    [Fact]
    public void Deeper_resnets_group_their_third_stage_in_more_layers()
    {
        // ResNet-101: layer3's 23 blocks in 8 groups of 3; ResNet-152: layer2 and layer3 in groups of 4.
        Assert.Equal((11, 14), LayerDepths.ResNet("backbone.layer3.22.conv1.weight", Prefix, [3, 4, 23, 3]));
        Assert.Equal((12, 14), LayerDepths.ResNet("backbone.layer4.2.conv1.weight", Prefix, [3, 4, 23, 3]));
        Assert.Equal((3, 15), LayerDepths.ResNet("backbone.layer2.7.conv1.weight", Prefix, [3, 8, 36, 3]));
        Assert.Equal((12, 15), LayerDepths.ResNet("backbone.layer3.35.conv1.weight", Prefix, [3, 8, 36, 3]));
    }

    [Fact]
    public void ResNet_18_has_no_numbering_as_in_mmpretrain()
    {
        var error = Assert.Throws<NotSupportedException>(() => LayerDepths.ResNet("backbone.conv1.weight", Prefix, [2, 2, 2, 2]));

        Assert.Contains("(2, 2, 2, 2)", error.Message);
    }
}
