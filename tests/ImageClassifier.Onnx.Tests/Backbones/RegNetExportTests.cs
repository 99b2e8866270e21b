using ImageClassifier.Models.Backbones;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class RegNetExportTests
{
    [Fact]
    public void A_narrow_regnetx_with_its_own_stem_matches_onnx_runtime()
    {
        torch.manual_seed(31);
        var backbone = new RegNetConfig { W0 = 8, Wa = 6, Wm = 2, Depth = 9, GroupW = 12, StemChannels = 8 }.Build();
        using var model = ExportCheck.Classifier((Backbone)backbone, ((RegNet)backbone).StageWidths[^1]);
        ExportCheck.AssertMatches(model, 32, 32);
    }
}
