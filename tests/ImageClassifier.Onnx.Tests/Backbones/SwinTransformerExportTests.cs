using ImageClassifier.Models.Backbones;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class SwinTransformerExportTests
{
    // The bias table and the embedding start from N(0, 0.02²) and the default attention weights are
    // small, so the attention is nearly uniform; drawn larger, each takes part in the check.
    private static readonly string[] Drawn = ["relative_position_bias_table", "absolute_pos_embed", "qkv.weight"];

    [Fact]
    public void Swin_with_padded_shifted_windows_odd_merges_and_a_resized_absolute_embedding_matches_onnx_runtime()
    {
        torch.manual_seed(51);

        // 36 px: a 9 x 9 patch map, padded to 12 for windows of 4 and shifted by 2, padded to 10 for the
        // merge to 5 x 5, which is padded to 8 for the windows. The embedding, made for 32 px, is resized.
        var backbone = new SwinTransformer(embedDims: 8, depths: [2, 2], numHeads: [2, 2], imgSize: 32, windowSize: 4, dropPathRate: 0, outIndices: [0, 1], useAbsPosEmbed: true);
        using var model = ExportCheck.Classifier(backbone, 16);
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, 36, 36);
    }

    [Fact]
    public void Swin_with_outputs_after_merging_and_padded_small_maps_matches_onnx_runtime()
    {
        torch.manual_seed(52);

        // 32 px, windows of 3: 8 x 8 (padded to 9), 4 x 4 (padded to 6, shifted by 1), then 2 x 2, smaller
        // than a window, padded to one; each output is taken after its stage's merge.
        var backbone = new SwinTransformer(embedDims: 8, depths: [2, 2, 2], numHeads: [1, 2, 2], imgSize: 32, windowSize: 3, dropPathRate: 0, outIndices: [1, 2], outAfterDownsample: true, padSmallMap: true);
        using var model = ExportCheck.Classifier(backbone, 32);
        ExportCheck.RandomizeParameters(model, Drawn);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
