using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class DistilledVisionTransformerExportTests
{
    // As in VisionTransformerExportTests: the tokens, the position embedding, both classifiers
    // (zero by mmpretrain's init) and the layer scales (1e-4 here, tiny as in the released models)
    // would hide a wrong export of what they touch, so they are drawn from N(0, 0.5²), and the
    // attention weights too, so that the attention is not nearly uniform.
    private static readonly string[] Drawn =
        ["cls_token", "dist_token", "pos_embed", "qkv.weight", "gamma1.weight", "gamma2.weight", "layers.head.weight", "layers.head_dist.weight"];

    [Fact]
    public void DeiT_class_and_distillation_tokens_into_the_mean_of_both_classifiers_match_onnx_runtime()
    {
        torch.manual_seed(51);
        var backbone = Tiny(imgSize: 32, outType: "cls_token");
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, new DeiTClsHead(new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 16 }));
        AssertMatchesWithDrawnParameters(model, 32);
    }

    [Fact]
    public void DeiT_with_layer_scale_at_another_size_than_img_size_into_a_head_with_a_tanh_pre_logits_layer_matches_onnx_runtime()
    {
        torch.manual_seed(52);

        // Made for 32 px (a 4 x 4 grid), exported at 48 px: the position embedding is resized to 6 x 6 behind both tokens' rows.
        var backbone = Tiny(imgSize: 32, outType: "cls_token", layerScaleInitValue: 1e-4);
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, new DeiTClsHead(new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 16, HiddenDim = 12 }));
        AssertMatchesWithDrawnParameters(model, 48);
    }

    [Fact]
    public void DeiT_raw_tokens_in_order_pooled_over_their_channels_match_onnx_runtime()
    {
        torch.manual_seed(53);

        // Every token (N, 2 + 16, C), each averaged over its channels: the head sees the class token,
        // the distillation token and the patches in place, so a swapped or missing token shows.
        var backbone = Tiny(imgSize: 32, outType: "raw");
        using var model = ExportCheck.Classifier(backbone, 18, neck: new GlobalAveragePooling(dim: 1));
        AssertMatchesWithDrawnParameters(model, 32);
    }

    [Fact]
    public void ViT_with_layer_scale_in_its_attention_and_feed_forward_networks_matches_onnx_runtime()
    {
        torch.manual_seed(54);
        var backbone = new VisionTransformer(
            imgSize: 32, patchSize: 8, outType: "cls_token", layerScaleInitValue: 1e-4, embedDims: 16, numLayers: 2, numHeads: 2, feedforwardChannels: 32);
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, new VisionTransformerClsHead(new ClsHeadConfig(), 5, 16));
        AssertMatchesWithDrawnParameters(model, 32);
    }

    private static void AssertMatchesWithDrawnParameters(ImageClassifierModel model, int side)
    {
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, side, side);
    }

    private static DistilledVisionTransformer Tiny(int imgSize, string outType, double layerScaleInitValue = 0) =>
        new(arch: "deit-tiny", imgSize: imgSize, patchSize: 8, outType: outType, layerScaleInitValue: layerScaleInitValue,
            embedDims: 16, numLayers: 2, numHeads: 2, feedforwardChannels: 32);
}
