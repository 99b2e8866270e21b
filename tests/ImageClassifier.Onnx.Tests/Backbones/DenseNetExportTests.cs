using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class DenseNetExportTests
{
    [Fact]
    public void DenseNet121_concatenating_blocks_and_transitions_match_onnx_runtime()
    {
        torch.manual_seed(26);
        var backbone = new DenseNet("121");
        using var model = ExportCheck.Classifier(backbone, backbone.FeatureInfo[^1].Channels);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
