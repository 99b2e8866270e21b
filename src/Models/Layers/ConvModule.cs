using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's <c>ConvModule</c>: convolution, then an optional norm, then an optional activation,
/// (N, in, H, W) to (N, out, H', W'). The submodules are named as mmcv names them, so they are the
/// checkpoint keys: <c>conv</c>, the norm by its abbreviation (<c>bn</c>, <c>gn</c>), and
/// <c>activate</c>.
/// </summary>
public sealed class ConvModule : nn.Module<Tensor, Tensor>, IConvNormPairs, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly NamedLayer? norm;
    private readonly nn.Module<Tensor, Tensor>? activate;

    /// <summary>Creates the module.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="stride">Convolution stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Kernel dilation.</param>
    /// <param name="groups">Convolution groups (the channel count for a depthwise conv).</param>
    /// <param name="bias">Whether the conv has a bias; null is mmcv's "auto": a bias only without a norm.</param>
    /// <param name="conv">The convolution; null is a plain Conv2d.</param>
    /// <param name="norm">The norm after the conv; null for none.</param>
    /// <param name="activation">The activation last; null for none.</param>
    public ConvModule(
        int inChannels,
        int outChannels,
        int kernelSize,
        int stride = 1,
        int padding = 0,
        int dilation = 1,
        int groups = 1,
        bool? bias = null,
        ConvLayerBuilder? conv = null,
        NormLayerBuilder? norm = null,
        ActivationBuilder? activation = null)
        : base(nameof(ConvModule))
    {
        var builder = conv ?? new Convolution2d();
        this.conv = builder.Create(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias ?? norm is null);
        register_module(nameof(this.conv), this.conv);
        if (norm is not null)
        {
            this.norm = NamedLayer.RegisterNorm(this, norm, outChannels);
        }

        activate = activation?.Create();
        RegisterComponents();
    }

    /// <summary>The norm layer, or null without one.</summary>
    public nn.Module<Tensor, Tensor>? Norm => norm?.Module;

    /// <summary>The convolution.</summary>
    public nn.Module<Tensor, Tensor> Conv => conv;

    /// <inheritdoc />
    public IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> ConvNormPairs() =>
        norm is null ? [] : [(conv, norm.Module)];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = conv.call(input);
        if (norm is not null)
        {
            output = norm.Call(output);
        }

        return activate is null ? output : activate.call(output);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Chain(inputs[0], conv, norm?.Module, activate)];
    }
}
