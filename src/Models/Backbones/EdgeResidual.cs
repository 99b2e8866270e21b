using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// The fused block of EfficientNet-EdgeTPU, mmpretrain's <c>EdgeResidual</c>: <c>conv1</c> (a full
/// k x k ConvModule to mid channels with the stride) and <c>conv2</c> (1x1 ConvModule to out channels,
/// no activation, always a plain Conv2d, as mmpretrain builds it). With stride 1, equal channels and
/// <c>withResidual</c>, the input is added back, through drop path when its rate is above 0.
/// (N, in, H, W) to (N, out, H / stride, W / stride).
/// </summary>
/// <remarks>mmpretrain's optional squeeze-and-excitation is left out: no EdgeTPU arch has one.</remarks>
public sealed class EdgeResidual : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
#pragma warning disable IDE1006 // PyTorch's names
    private readonly ConvModule conv1;
    private readonly ConvModule conv2;
    private readonly DropPath? drop_path;
#pragma warning restore IDE1006
    private readonly bool withResidual;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="midChannels">Output channels of the first conv.</param>
    /// <param name="kernelSize">Kernel of the first conv (padded by half of it).</param>
    /// <param name="stride">Stride of the first conv: 1 or 2.</param>
    /// <param name="withResidual">Whether the shortcut may be used (it also needs stride 1 and equal channels).</param>
    /// <param name="convLayer">Builds the first convolution.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="activation">The activation after the first conv.</param>
    /// <param name="dropPathRate">Stochastic depth of the residual branch, in [0, 1).</param>
    public EdgeResidual(
        int inChannels,
        int outChannels,
        int midChannels,
        int kernelSize,
        int stride,
        bool withResidual,
        ConvLayerBuilder convLayer,
        NormLayerBuilder norm,
        ActivationBuilder activation,
        double dropPathRate = 0)
        : base(nameof(EdgeResidual))
    {
        if (stride is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride of an edge residual block must be 1 or 2.");
        }

        this.withResidual = withResidual && stride == 1 && inChannels == outChannels;
        conv1 = new ConvModule(inChannels, midChannels, kernelSize, stride: stride, padding: kernelSize / 2, conv: convLayer, norm: norm, activation: activation);
        conv2 = new ConvModule(midChannels, outChannels, 1, norm: norm, activation: null);
        drop_path = dropPathRate > 0 ? new DropPath(dropPathRate) : null;
        RegisterComponents();
    }

    /// <summary>Whether the input is added to the output.</summary>
    public bool UsesResidual => withResidual;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = conv2.call(conv1.call(input));
        if (!withResidual)
        {
            return output;
        }

        return input.add(drop_path is null ? output : drop_path.call(output), ScalarConstants.One);
    }

    /// <summary>The two convs, plus the input where the block has its shortcut; stochastic depth is the identity in evaluation.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var output = graph.Chain(inputs[0], conv1, conv2);
        return [withResidual ? graph.Node("Add", [inputs[0], output]) : output];
    }
}
