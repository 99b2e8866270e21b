using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class VGGExportTests
{
    [Fact]
    public void VGG11_with_batch_norm_and_ceil_mode_pooling_matches_onnx_runtime()
    {
        // Three stages at 36 px with ceil-mode pooling: the maps are 36, 18, 9 and 5 pixels.
        torch.manual_seed(25);
        using var model = ExportCheck.Classifier(new VGG(11, numStages: 3, dilations: [1, 1, 1], normCfg: new BatchNormalization(), ceilMode: true, outIndices: [2]), 256);
        ExportCheck.AssertMatches(model, 36, 36);
    }
}
