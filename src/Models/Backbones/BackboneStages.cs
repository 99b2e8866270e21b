using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>What the staged backbones (ResNet, MobileNetV2) share in running and training their stages.</summary>
internal static class BackboneStages
{
    /// <summary>
    /// Runs <paramref name="features"/> (the stem's output) through <paramref name="stages"/> in order
    /// and returns the outputs of the stages in <paramref name="outIndices"/>, moved out of the
    /// caller's dispose scope, which must be the current one.
    /// </summary>
    public static IReadOnlyList<Tensor> Forward(Tensor features, IReadOnlyList<nn.Module<Tensor, Tensor>> stages, int[] outIndices)
    {
        var outputs = new List<Tensor>(outIndices.Length);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            features = stages[stage].call(features);
            if (outIndices.Contains(stage))
            {
                outputs.Add(features);
            }
        }

        return [.. outputs.Select(output => output.MoveToOuterDisposeScope())];
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph: <paramref name="features"/> through
    /// <paramref name="stages"/> in order, giving the values of the stages in <paramref name="outIndices"/>.
    /// </summary>
    public static IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, string features, IReadOnlyList<nn.Module<Tensor, Tensor>> stages, int[] outIndices)
    {
        var outputs = new List<string>(outIndices.Length);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            features = graph.Export(stages[stage], features);
            if (outIndices.Contains(stage))
            {
                outputs.Add(features);
            }
        }

        return outputs;
    }

    /// <summary><c>norm_eval</c>: puts every batch norm of <paramref name="backbone"/> back in evaluation mode.</summary>
    public static void EvalBatchNorms(nn.Module backbone)
    {
        foreach (var module in backbone.modules())
        {
            if (NormParameters.IsBatchNorm(module))
            {
                module.eval();
            }
        }
    }
}
