using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Squeeze-and-excitation, mmpretrain's <c>SELayer</c>: the map is averaged to one value per
/// channel, squeezed by a 1x1 ConvModule (<c>conv1</c>, ReLU by default) and expanded back by a
/// second (<c>conv2</c>, Sigmoid by default) into per-channel weights that scale the input.
/// (N, C, H, W) to (N, C, H, W). Used by SEResNet, SEResNeXt, MobileNetV3 and EfficientNet.
/// </summary>
public sealed class SELayer : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly ConvModule conv1;
    private readonly ConvModule conv2;

    /// <summary>Creates the layer.</summary>
    /// <param name="channels">Channels of the input and output.</param>
    /// <param name="squeezeChannels">Channels between the two convs; null for <c>make_divisible(channels / ratio, divisor)</c>.</param>
    /// <param name="ratio">Squeeze ratio when <paramref name="squeezeChannels"/> is null.</param>
    /// <param name="divisor">The squeezed channels are a multiple of it when <paramref name="squeezeChannels"/> is null.</param>
    /// <param name="bias">Whether the convs have a bias (mmcv's "auto" gives one, as they have no norm).</param>
    /// <param name="activations">The activations after the two convs; null for ReLU then Sigmoid.</param>
    /// <param name="convLayer">Builds the convolutions; null for plain Conv2d.</param>
    public SELayer(
        int channels,
        int? squeezeChannels = null,
        int ratio = 16,
        int divisor = 8,
        bool bias = true,
        (ActivationBuilder First, ActivationBuilder Second)? activations = null,
        ConvLayerBuilder? convLayer = null)
        : base(nameof(SELayer))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratio);
        var squeezed = squeezeChannels ?? ChannelRounding.MakeDivisible(channels / ratio, divisor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(squeezed, nameof(squeezeChannels));
        SqueezeChannels = squeezed;
        var (first, second) = activations ?? (new ReLUActivation(), new SigmoidActivation());
        conv1 = new ConvModule(channels, squeezed, 1, bias: bias, conv: convLayer, activation: first);
        conv2 = new ConvModule(squeezed, channels, 1, bias: bias, conv: convLayer, activation: second);
        RegisterComponents();
    }

    /// <summary>Channels between the two convs.</summary>
    public int SqueezeChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var weights = conv2.call(conv1.call(nn.functional.adaptive_avg_pool2d(input, 1)));
        return input.mul(weights).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var weights = graph.Chain(graph.Node("GlobalAveragePool", [inputs[0]]), conv1, conv2);
        return [graph.Node("Mul", [inputs[0], weights])];
    }
}
