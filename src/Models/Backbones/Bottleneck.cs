using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// ResNet's three-conv block for depths 50 and deeper: 1x1 conv to out / expansion channels, 3x3
/// conv (dilated), 1x1 conv to out channels, each followed by a norm, ReLU between, plus the
/// shortcut, ReLU. (N, in, H, W) to (N, out, H / stride, W / stride). Style "pytorch" puts the
/// stride on the 3x3 conv, "caffe" on the first 1x1. With groups other than 1 it is ResNeXt's
/// block (mmpretrain's <c>resnext.Bottleneck</c>): the 3x3 conv is grouped and the middle width is
/// groups * width_per_group * (out / expansion) / base_channels.
/// </summary>
public class Bottleneck : ResidualBlock, IConvNormPairs
{
    // mmpretrain's attribute names; the norms are registered as mmcv names them (bn1, gn1, ...).
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor> conv3;
    private readonly NamedLayer norm1;
    private readonly NamedLayer norm2;
    private readonly NamedLayer norm3;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels; a multiple of <paramref name="expansion"/>.</param>
    /// <param name="expansion">out / mid channels.</param>
    /// <param name="stride">Stride of the block.</param>
    /// <param name="dilation">Dilation (and padding) of the 3x3 conv.</param>
    /// <param name="style">"pytorch" or "caffe".</param>
    /// <param name="downsample">Reshapes the shortcut; null for the identity.</param>
    /// <param name="conv">Builds the convolutions.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the residual branch.</param>
    /// <param name="groups">Groups of the 3x3 conv; 1 is ResNet's block, and ignores the next two.</param>
    /// <param name="widthPerGroup">ResNeXt's width per group where out / expansion is base_channels (the first stage).</param>
    /// <param name="baseChannels">The backbone's base_channels; out / expansion must be a multiple of it when grouped.</param>
    public Bottleneck(
        int inChannels,
        int outChannels,
        int expansion,
        int stride,
        int dilation,
        string style,
        nn.Module<Tensor, Tensor>? downsample,
        ConvLayerBuilder conv,
        NormLayerBuilder norm,
        double dropPathRate,
        int groups = 1,
        int widthPerGroup = 4,
        int baseChannels = 64)
        : base(nameof(Bottleneck), inChannels, outChannels, downsample, dropPathRate)
    {
        ArgumentNullException.ThrowIfNull(conv);
        ArgumentNullException.ThrowIfNull(norm);
        var (conv1Stride, conv2Stride) = style switch
        {
            "pytorch" => (1, stride),
            "caffe" => (stride, 1),
            _ => throw new ConfigValueException("style", style, "one of \"pytorch\", \"caffe\""),
        };
        if (expansion < 1 || outChannels % expansion != 0)
        {
            throw new ConfigValueException("expansion", expansion, $"a positive divisor of the block's {outChannels} output channels");
        }

        var mid = outChannels / expansion;
        if (groups != 1)
        {
            // mmpretrain asserts the same divisibility, so a width it would refuse is refused here.
            if (groups < 1 || widthPerGroup < 1 || baseChannels < 1 || mid % baseChannels != 0)
            {
                throw new ConfigValueException("groups", groups, $"a positive count with width_per_group >= 1 and the block's {mid} middle channels a multiple of base_channels ({baseChannels})");
            }

            mid = groups * widthPerGroup * mid / baseChannels;
        }

        conv1 = conv.Create(inChannels, mid, 1, stride: conv1Stride, bias: false);
        norm1 = NamedLayer.RegisterNorm(this, norm, mid, "1");
        conv2 = conv.Create(mid, mid, 3, stride: conv2Stride, padding: dilation, dilation: dilation, groups: groups, bias: false);
        norm2 = NamedLayer.RegisterNorm(this, norm, mid, "2");
        conv3 = conv.Create(mid, outChannels, 1, bias: false);
        norm3 = NamedLayer.RegisterNorm(this, norm, outChannels, "3");

        // A derived block's fields are still null here; it registers its modules by name itself.
        RegisterComponents();
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> LastNorm => norm3.Module;

    /// <inheritdoc />
    public IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> ConvNormPairs() =>
        [(conv1, norm1.Module), (conv2, norm2.Module), (conv3, norm3.Module)];

    /// <inheritdoc />
    protected override Tensor Residual(Tensor input)
    {
        var output = Relu(norm1.Call(conv1.call(input)));
        output = Relu(norm2.Call(conv2.call(output)));
        return norm3.Call(conv3.call(output));
    }

    /// <inheritdoc />
    protected override string ExportResidual(OnnxGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var output = graph.Node("Relu", [graph.Chain(input, conv1, norm1.Module)]);
        output = graph.Node("Relu", [graph.Chain(output, conv2, norm2.Module)]);
        return graph.Chain(output, conv3, norm3.Module);
    }
}
