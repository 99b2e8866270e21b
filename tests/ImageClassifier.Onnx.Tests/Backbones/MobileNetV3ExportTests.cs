using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class MobileNetV3ExportTests
{
    [Theory]
    [InlineData("small_050")]
    [InlineData("large")]
    public void MobileNetV3_with_hard_swish_and_hard_sigmoid_gates_matches_onnx_runtime(string arch)
    {
        torch.manual_seed(22);
        var backbone = (MobileNetV3)new MobileNetV3Config { Arch = arch }.Build();
        using var model = ExportCheck.Classifier(backbone, backbone.FeatureInfo[^1].Channels);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
