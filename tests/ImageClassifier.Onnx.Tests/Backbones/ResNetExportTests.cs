using ImageClassifier.Models.Backbones;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

public sealed class ResNetExportTests
{
    [Fact]
    public void ResNet18_basic_blocks_match_onnx_runtime()
    {
        torch.manual_seed(1);
        using var model = ExportCheck.Classifier(new ResNet(18, stemChannels: 8, baseChannels: 8), 64);
        ExportCheck.AssertMatches(model, 32, 32);
    }

    [Fact]
    public void ResNet50_bottlenecks_with_two_outputs_and_caffe_style_match_onnx_runtime()
    {
        torch.manual_seed(2);

        // Two stages out: the neck pools both and the head reads the last.
        using var model = ExportCheck.Classifier(new ResNet(50, stemChannels: 8, baseChannels: 4, outIndices: [2, 3], style: "caffe"), 128);
        ExportCheck.AssertMatches(model, 36, 36);
    }

    [Fact]
    public void ResNetV1c_deep_stem_matches_onnx_runtime()
    {
        torch.manual_seed(3);
        using var model = ExportCheck.Classifier(new ResNetV1c(new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8, DeepStem = true }), 64);
        ExportCheck.AssertMatches(model, 32, 32);
    }

    [Fact]
    public void ResNetV1d_average_pooled_shortcuts_on_odd_sizes_match_onnx_runtime()
    {
        torch.manual_seed(4);

        // 40 px: the stages see 10, 5, 3 and 2 pixels, so the ceil-mode pooling meets odd sizes.
        using var model = ExportCheck.Classifier(new ResNetV1d(new ResNetConfig { Depth = 50, StemChannels = 8, BaseChannels = 4, DeepStem = true, AvgDown = true }), 128);
        ExportCheck.AssertMatches(model, 40, 40);
    }
}
