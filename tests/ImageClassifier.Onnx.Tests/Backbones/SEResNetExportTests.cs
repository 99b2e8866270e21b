using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class SEResNetExportTests
{
    [Fact]
    public void SEResNet50_squeeze_and_excitation_bottlenecks_match_onnx_runtime()
    {
        torch.manual_seed(28);
        using var model = ExportCheck.Classifier((Backbone)new SEResNetConfig { Depth = 50, StemChannels = 8, BaseChannels = 4 }.Build(), 128);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
