using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// ResNet's two-conv block for depths 18 and 34: 3x3 conv (stride, dilation), norm, ReLU, 3x3 conv,
/// norm, plus the shortcut, ReLU. (N, in, H, W) to (N, out, H / stride, W / stride).
/// mmpretrain's <c>style</c> does not apply: the stride is always on the first conv.
/// </summary>
public sealed class BasicBlock : ResidualBlock, IConvNormPairs
{
    // mmpretrain's attribute names; the norms are registered as mmcv names them (bn1, gn1, ...).
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly NamedLayer norm1;
    private readonly NamedLayer norm2;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="expansion">out / mid channels; must be 1 for this block.</param>
    /// <param name="stride">Stride of the first conv.</param>
    /// <param name="dilation">Dilation (and padding) of the first conv.</param>
    /// <param name="downsample">Reshapes the shortcut; null for the identity.</param>
    /// <param name="conv">Builds the convolutions.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the residual branch.</param>
    public BasicBlock(
        int inChannels,
        int outChannels,
        int expansion,
        int stride,
        int dilation,
        nn.Module<Tensor, Tensor>? downsample,
        ConvLayerBuilder conv,
        NormLayerBuilder norm,
        double dropPathRate)
        : base(nameof(BasicBlock), inChannels, outChannels, downsample, dropPathRate)
    {
        ArgumentNullException.ThrowIfNull(conv);
        ArgumentNullException.ThrowIfNull(norm);
        if (expansion != 1)
        {
            throw new ConfigValueException("expansion", expansion, "1 for BasicBlock (depth 18 or 34)");
        }

        conv1 = conv.Create(inChannels, outChannels, 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        norm1 = NamedLayer.RegisterNorm(this, norm, outChannels, "1");
        conv2 = conv.Create(outChannels, outChannels, 3, padding: 1, bias: false);
        norm2 = NamedLayer.RegisterNorm(this, norm, outChannels, "2");
        RegisterComponents();
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> LastNorm => norm2.Module;

    /// <inheritdoc />
    public IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> ConvNormPairs() =>
        [(conv1, norm1.Module), (conv2, norm2.Module)];

    /// <inheritdoc />
    protected override Tensor Residual(Tensor input)
    {
        var output = Relu(norm1.Call(conv1.call(input)));
        return norm2.Call(conv2.call(output));
    }

    /// <inheritdoc />
    protected override string ExportResidual(OnnxGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var output = graph.Node("Relu", [graph.Chain(input, conv1, norm1.Module)]);
        return graph.Chain(output, conv2, norm2.Module);
    }
}
