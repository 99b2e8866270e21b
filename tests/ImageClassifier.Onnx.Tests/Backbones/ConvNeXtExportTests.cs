using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Heads;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class ConvNeXtExportTests
{
    [Fact]
    public void ConvNeXt_with_linear_pointwise_convs_layer_scale_and_pooling_before_the_final_norm_matches_onnx_runtime()
    {
        torch.manual_seed(31);
        var backbone = new ConvNeXt(depths: [1, 1, 2, 1], channels: [8, 16, 24, 32]);

        // The backbone pools before its norm, so the head takes its vectors without a neck, as in
        // mmpretrain's configs; the layer scale starts at 1e-6, which would leave every branch out.
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, Head());
        ExportCheck.RandomizeParameters(model, "gamma");
        ExportCheck.AssertMatches(model, 32, 32);
    }

    [Fact]
    public void ConvNeXt_V2_with_channels_last_GRN_and_normalised_maps_matches_onnx_runtime()
    {
        torch.manual_seed(32);

        // V2: GRN on the channels-last hidden features, no layer scale; the norms give maps, which the neck pools.
        var backbone = new ConvNeXt(depths: [1, 1, 1, 1], channels: [8, 16, 24, 32], useGrn: true, layerScaleInitValue: 0, outIndices: [2, 3], gapBeforeFinalNorm: false);
        using var model = ExportCheck.Classifier(backbone, 32);
        ExportCheck.RandomizeParameters(model, "gamma", "beta");
        ExportCheck.AssertMatches(model, 40, 40);
    }

    [Fact]
    public void ConvNeXt_with_1x1_pointwise_convs_GRN_and_layer_scale_on_channels_first_maps_matches_onnx_runtime()
    {
        torch.manual_seed(33);
        var backbone = new ConvNeXt(depths: [1, 1, 1, 1], channels: [8, 16, 24, 32], linearPwConv: false, useGrn: true, layerScaleInitValue: 0.5);
        using var model = ExportCheck.ClassifierWithoutNeck(backbone, Head());
        ExportCheck.RandomizeParameters(model, "gamma", "beta");
        ExportCheck.AssertMatches(model, 32, 32);
    }

    private static LinearClsHead Head() => new(new ClsHeadConfig(), 5, 32);
}
