using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class EfficientNetExportTests
{
    [Fact]
    public void EfficientNet_b0_with_same_padding_on_an_odd_size_matches_onnx_runtime()
    {
        // 33 px: TensorFlow's SAME padding puts the odd pixel at the bottom and right, as ONNX's SAME_UPPER.
        torch.manual_seed(23);
        var backbone = (EfficientNet)new EfficientNetConfig { Arch = "b0" }.Build();
        using var model = ExportCheck.Classifier(backbone, backbone.FeatureInfo[^1].Channels);
        ExportCheck.AssertMatches(model, 33, 33);
    }

    [Fact]
    public void EfficientNet_edge_with_edge_residual_blocks_matches_onnx_runtime()
    {
        torch.manual_seed(24);
        var backbone = (EfficientNet)new EfficientNetConfig { Arch = "es" }.Build();
        using var model = ExportCheck.Classifier(backbone, backbone.FeatureInfo[^1].Channels);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
