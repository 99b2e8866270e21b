using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// SE-ResNet's and SE-ResNeXt's block (mmpretrain's <c>SEBottleneck</c>): a <see cref="Bottleneck"/>
/// (grouped for SE-ResNeXt) whose branch output is reweighted per channel by an
/// <see cref="SELayer"/> (<c>se_layer</c>) after its last norm, before the shortcut is added.
/// (N, in, H, W) to (N, out, H / stride, W / stride).
/// </summary>
public sealed class SEBottleneck : Bottleneck
{
    // mmpretrain's attribute name, so it is the checkpoint key (se_layer.conv1.conv.weight, ...).
    private readonly SELayer se_layer;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels; a multiple of <paramref name="expansion"/>.</param>
    /// <param name="expansion">out / mid channels before grouping.</param>
    /// <param name="stride">Stride of the block.</param>
    /// <param name="dilation">Dilation (and padding) of the 3x3 conv.</param>
    /// <param name="style">"pytorch" or "caffe".</param>
    /// <param name="downsample">Reshapes the shortcut; null for the identity.</param>
    /// <param name="conv">Builds the convolutions.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the residual branch.</param>
    /// <param name="seRatio">Squeeze ratio: the SE layer squeezes out_channels to make_divisible(out / ratio, 8).</param>
    /// <param name="groups">Groups of the 3x3 conv; 1 is SE-ResNet's block.</param>
    /// <param name="widthPerGroup">SE-ResNeXt's width per group at base_channels.</param>
    /// <param name="baseChannels">The backbone's base_channels.</param>
    public SEBottleneck(
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
        int seRatio,
        int groups = 1,
        int widthPerGroup = 4,
        int baseChannels = 64)
        : base(inChannels, outChannels, expansion, stride, dilation, style, downsample, conv, norm, dropPathRate, groups, widthPerGroup, baseChannels)
    {
        if (seRatio < 1)
        {
            throw new ConfigValueException("se_ratio", seRatio, ">= 1");
        }

        se_layer = new SELayer(outChannels, ratio: seRatio);
        register_module(nameof(se_layer), se_layer);
    }

    /// <summary>The SE layer after the last norm.</summary>
    public SELayer SeLayer => se_layer;

    /// <inheritdoc />
    protected override Tensor Residual(Tensor input) => se_layer.call(base.Residual(input));

    /// <inheritdoc />
    protected override string ExportResidual(OnnxGraphBuilder graph, string input) =>
        (graph ?? throw new ArgumentNullException(nameof(graph))).Export(se_layer, base.ExportResidual(graph, input));
}
