using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class SEResNeXtExportTests
{
    [Fact]
    public void SEResNeXt50_grouped_squeeze_and_excitation_bottlenecks_match_onnx_runtime()
    {
        torch.manual_seed(29);
        using var model = ExportCheck.Classifier((Backbone)new SEResNeXtConfig { Depth = 50, Groups = 2, WidthPerGroup = 2, StemChannels = 8, BaseChannels = 4 }.Build(), 128);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
