using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class MobileNetV2ExportTests
{
    [Fact]
    public void MobileNetV2_inverted_residuals_with_relu6_match_onnx_runtime()
    {
        torch.manual_seed(21);
        using var model = ExportCheck.Classifier((Backbone)new MobileNetV2Config { WidenFactor = 0.25 }.Build(), 1280);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
