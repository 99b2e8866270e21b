using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// The mobile inverted bottleneck of MobileNetV3 and EfficientNet, mmpretrain's
/// <c>InvertedResidual</c> of <c>models/utils</c> (not MobileNetV2's, see <see cref="InvertedResidual"/>):
/// <c>expand_conv</c> (1x1 ConvModule to mid channels, left out when mid equals in),
/// <c>depthwise_conv</c> (k x k depthwise ConvModule with the stride), an optional squeeze-and-excitation
/// <c>se</c>, and <c>linear_conv</c> (1x1 ConvModule to out channels, no activation). With stride 1 and
/// equal channels the input is added back, through drop path when its rate is above 0.
/// (N, in, H, W) to (N, out, H / stride, W / stride).
/// </summary>
public sealed class MBConv : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
#pragma warning disable IDE1006 // PyTorch's names
    private readonly ConvModule? expand_conv;
    private readonly ConvModule depthwise_conv;
    private readonly SELayer? se;
    private readonly ConvModule linear_conv;
    private readonly DropPath? drop_path;
#pragma warning restore IDE1006
    private readonly bool withResShortcut;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="midChannels">Channels of the depthwise conv; the expanding conv exists only when they differ from <paramref name="inChannels"/>.</param>
    /// <param name="kernelSize">Kernel of the depthwise conv (padded by half of it).</param>
    /// <param name="stride">Stride of the depthwise conv: 1 or 2.</param>
    /// <param name="se">The squeeze-and-excitation after the depthwise conv, over <paramref name="midChannels"/>; null for none.</param>
    /// <param name="convLayer">Builds the convolutions.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="activation">The activation after the expanding and depthwise convs.</param>
    /// <param name="dropPathRate">Stochastic depth of the residual branch, in [0, 1).</param>
    public MBConv(
        int inChannels,
        int outChannels,
        int midChannels,
        int kernelSize,
        int stride,
        SELayer? se,
        ConvLayerBuilder convLayer,
        NormLayerBuilder norm,
        ActivationBuilder activation,
        double dropPathRate = 0)
        : base(nameof(MBConv))
    {
        if (stride is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride of an inverted residual block must be 1 or 2.");
        }

        withResShortcut = stride == 1 && inChannels == outChannels;
        OutChannels = outChannels;
        if (midChannels != inChannels)
        {
            expand_conv = new ConvModule(inChannels, midChannels, 1, conv: convLayer, norm: norm, activation: activation);
        }

        depthwise_conv = new ConvModule(midChannels, midChannels, kernelSize, stride: stride, padding: kernelSize / 2, groups: midChannels, conv: convLayer, norm: norm, activation: activation);
        this.se = se;
        linear_conv = new ConvModule(midChannels, outChannels, 1, conv: convLayer, norm: norm, activation: null);
        drop_path = dropPathRate > 0 ? new DropPath(dropPathRate) : null;
        RegisterComponents();
    }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Whether the block has the 1x1 expanding conv.</summary>
    public bool HasExpandConv => expand_conv is not null;

    /// <summary>Whether the block has a squeeze-and-excitation.</summary>
    public bool HasSE => se is not null;

    /// <summary>Whether the input is added to the output.</summary>
    public bool UsesResidual => withResShortcut;

    /// <summary>The drop-path rate of the residual branch (0 without one).</summary>
    public double DropPathRate => drop_path?.DropProb ?? 0;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = expand_conv is null ? input : expand_conv.call(input);
        output = depthwise_conv.call(output);
        if (se is not null)
        {
            output = se.call(output);
        }

        output = linear_conv.call(output);
        if (!withResShortcut)
        {
            return output;
        }

        return input.add(drop_path is null ? output : drop_path.call(output), ScalarConstants.One);
    }

    /// <summary>The convs (and SE) in turn, plus the input where the block has its shortcut; stochastic depth is the identity in evaluation.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var output = graph.Chain(inputs[0], expand_conv, depthwise_conv, se, linear_conv);
        return [withResShortcut ? graph.Node("Add", [inputs[0], output]) : output];
    }
}
