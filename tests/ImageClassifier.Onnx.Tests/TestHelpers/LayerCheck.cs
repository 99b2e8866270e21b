using ImageClassifier.Onnx.Export;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx.Tests.TestHelpers;

/// <summary>Exports one module as a whole graph (input "x", output "y", fixed shape) and compares ONNX Runtime's output with its TorchSharp forward.</summary>
internal static class LayerCheck
{
    public static void AssertMatches(nn.Module<Tensor, Tensor> module, long[] shape, int seed = 3)
    {
        module.eval();
        torch.manual_seed(seed);
        using var input = torch.randn(shape) * 2;
        float[] expected;
        long[] outputShape;
        using (torch.inference_mode())
        using (var copy = input.clone())

        // A copy in: TorchSharp 0.107's Hardtanh hands back its input tensor itself, and a layer may do so again.
        using (var output = module.call(copy))
        {
            expected = output.data<float>().ToArray();
            outputShape = output.shape;
        }

        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", OnnxDataType.Float, [.. shape.Select(OnnxDimension.Fixed)]);
        graph.AddOutput(graph.Export(module, x), "y", OnnxDataType.Float, [.. outputShape.Select(OnnxDimension.Fixed)]);
        using var stream = new MemoryStream();
        OnnxModelWriter.Write(graph.Build(), new Dictionary<string, string>(), stream);

        using var session = new InferenceSession(stream.ToArray());
        using var value = OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["x"], [value], ["y"]);
        ExportCheck.AssertClose(expected, results[0].GetTensorDataAsSpan<float>().ToArray(), module.GetType().Name);
    }
}
