using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class VisionTransformerExportTests
{
    // Class tokens and position embeddings start at zero, as does VisionTransformerClsHead's classifier
    // (mmpretrain's init), and the default attention weights are so small that the attention is
    // nearly uniform; drawn larger, each takes part in the check.
    private static readonly string[] Drawn = ["cls_token", "pos_embed", "qkv.weight", "layers.head.weight"];

    [Fact]
    public void ViT_class_token_into_a_head_with_a_tanh_pre_logits_layer_matches_onnx_runtime()
    {
        torch.manual_seed(41);
        var backbone = Tiny(imgSize: 32, outType: "cls_token");
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, new VisionTransformerClsHead(new ClsHeadConfig(), 5, 16, hiddenDim: 12));
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, 32, 32);
    }

    [Fact]
    public void ViT_feature_map_at_another_size_than_img_size_with_pre_norm_matches_onnx_runtime()
    {
        torch.manual_seed(42);

        // Made for 32 px (a 4 x 4 grid), exported at 48 px: the position embedding is resized to 6 x 6.
        var backbone = Tiny(imgSize: 32, outType: "featmap", preNorm: true, finalNorm: false);
        using var model = ExportCheck.Classifier(backbone, 16);
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, 48, 48);
    }

    [Fact]
    public void ViT_normalised_mean_of_the_patch_tokens_without_a_class_token_matches_onnx_runtime()
    {
        torch.manual_seed(43);
        var backbone = Tiny(imgSize: 40, outType: "avg_featmap", withClsToken: false, outIndices: [0, 1]);
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, new VisionTransformerClsHead(new ClsHeadConfig(), 5, 16));
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, 40, 40);
    }

    [Fact]
    public void ViT_raw_tokens_pooled_over_their_channels_match_onnx_runtime()
    {
        torch.manual_seed(44);

        // Every token (N, 1 + 16, C), each averaged over its channels by a 1-D neck: the head sees the 17 tokens.
        var backbone = Tiny(imgSize: 32, outType: "raw");
        using var model = ExportCheck.Classifier(backbone, 17, neck: new GlobalAveragePooling(dim: 1));
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, 32, 32);
    }

    private static VisionTransformer Tiny(int imgSize, string outType, bool preNorm = false, bool finalNorm = true, bool withClsToken = true, int[]? outIndices = null) =>
        new(imgSize: imgSize, patchSize: 8, outType: outType, preNorm: preNorm, finalNorm: finalNorm, withClsToken: withClsToken, outIndices: outIndices,
            embedDims: 16, numLayers: 2, numHeads: 2, feedforwardChannels: 32);
}
