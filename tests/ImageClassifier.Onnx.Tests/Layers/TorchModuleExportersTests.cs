using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx.Tests.Layers;

/// <summary>TorchSharp's standard layers that the zoo's CNN families do not all reach, each exported alone and run in ONNX Runtime.</summary>
public sealed class TorchModuleExportersTests
{
    public static TheoryData<string> Layers => [.. Factories.Keys];

    private static readonly Dictionary<string, Func<(nn.Module<Tensor, Tensor> Module, long[] Shape)>> Factories = new()
    {
        ["gelu"] = () => (nn.GELU(), [2, 3, 5]),
        ["gelu_tanh"] = () => (nn.GELU(GELU.Approximate.tanh), [2, 3, 5]),
        ["silu"] = () => (nn.SiLU(), [2, 3, 5]),
        ["tanh"] = () => (nn.Tanh(), [2, 3, 5]),
        ["leaky_relu"] = () => (nn.LeakyReLU(0.2), [2, 3, 5]),
        ["hardswish_hardsigmoid_relu6"] = () => (nn.Sequential(nn.Hardswish(), nn.Hardsigmoid(), nn.ReLU6()), [2, 3, 5]),
        ["linear_on_tokens"] = () => (nn.Linear(5, 7), [2, 3, 5]),
        ["layer_norm"] = () => (nn.LayerNorm(5), [2, 3, 5]),
        ["softmax"] = () => (nn.Softmax(1), [2, 3, 5]),
        ["conv_reflect_dilated_grouped"] = () => (nn.Conv2d(4, 6, 3, padding: 2, dilation: 2, groups: 2, padding_mode: PaddingModes.Reflect), [2, 4, 9, 9]),
        ["conv_same"] = () => (nn.Conv2d(4, 6, 4, padding: Padding.Same), [2, 4, 9, 8]),
        ["avg_pool_with_padding"] = () => (nn.AvgPool2d(3, stride: 2, padding: 1, count_include_pad: false), [2, 4, 9, 9]),
        ["max_pool_ceil"] = () => (nn.MaxPool2d(3, stride: 2, ceil_mode: true), [2, 4, 10, 10]),
        ["batch_norm_flatten"] = () => (nn.Sequential(nn.BatchNorm2d(4), nn.AdaptiveAvgPool2d(1), nn.Flatten()), [2, 4, 6, 6]),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void The_layer_matches_onnx_runtime(string layer)
    {
        torch.manual_seed(51);
        var (module, shape) = Factories[layer]();
        using (module)
        {
            ExportCheck.RandomizeNorms(module);
            LayerCheck.AssertMatches(module, shape);
        }
    }

    [Fact]
    public void Circular_padding_is_refused_naming_the_setting()
    {
        using var conv = nn.Conv2d(4, 4, 3, padding: 1, padding_mode: PaddingModes.Circular);
        var graph = new OnnxGraphBuilder();
        var input = graph.AddInput("x", OnnxDataType.Float, [OnnxDimension.Fixed(1), OnnxDimension.Fixed(4), OnnxDimension.Fixed(8), OnnxDimension.Fixed(8)]);

        var error = Assert.Throws<OnnxExportException>(() => graph.Export(conv, input));

        Assert.Equal("the model (Conv2d) pads with padding_mode Circular, which ONNX opset 17's Pad cannot.", error.Message);
    }
}
