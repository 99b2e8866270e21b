using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// The transition between two DenseNet blocks, mmpretrain's <c>DenseTransition</c>: norm,
/// activation, 1x1 conv without bias, 2x2 stride-2 average pooling. (N, in, H, W) to
/// (N, out, H / 2, W / 2).
/// </summary>
public sealed class DenseTransition : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly nn.Module<Tensor, Tensor> pool;

    /// <summary>Creates the transition.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="normLayer">Builds the norm.</param>
    /// <param name="activation">The activation after the norm.</param>
    public DenseTransition(int inChannels, int outChannels, NormLayerBuilder normLayer, ActivationBuilder activation)
        : base(nameof(DenseTransition))
    {
        ArgumentNullException.ThrowIfNull(normLayer);
        ArgumentNullException.ThrowIfNull(activation);
        norm = normLayer.Create(inChannels);
        act = activation.Create();
        conv = nn.Conv2d(inChannels, outChannels, 1, bias: false);
        pool = nn.AvgPool2d(2, stride: 2);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => pool.call(conv.call(act.call(norm.call(input))));

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Chain(inputs[0], norm, act, conv, pool)];
    }
}
