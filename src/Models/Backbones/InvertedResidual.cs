using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// MobileNetV2's inverted residual block: a 1x1 ConvModule expanding to in * expand_ratio channels
/// (left out when the ratio is 1), a 3x3 depthwise ConvModule (the stride), and a 1x1 ConvModule
/// projecting to out channels without activation; the input is added back when the stride is 1
/// and the channels match. (N, in, H, W) to (N, out, H / stride, W / stride). The three ConvModules
/// are <c>conv.0</c>, <c>conv.1</c>, <c>conv.2</c>, as in mmpretrain.
/// </summary>
public sealed class InvertedResidual : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute name, so it is the checkpoint key.
    private readonly Sequential conv;
    private readonly bool useResConnect;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="stride">Stride of the depthwise conv: 1 or 2.</param>
    /// <param name="expandRatio">Hidden channels over input channels.</param>
    /// <param name="convLayer">Builds the convolutions.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="activation">The activation after the first two ConvModules.</param>
    public InvertedResidual(int inChannels, int outChannels, int stride, double expandRatio, ConvLayerBuilder convLayer, NormLayerBuilder norm, ActivationBuilder activation)
        : base(nameof(InvertedResidual))
    {
        if (stride is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride of an inverted residual block must be 1 or 2.");
        }

        useResConnect = stride == 1 && inChannels == outChannels;

        // Python's round(): halves go to the even neighbour.
        var hidden = (int)Math.Round(inChannels * expandRatio, MidpointRounding.ToEven);
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expandRatio != 1)
        {
            layers.Add(new ConvModule(inChannels, hidden, 1, conv: convLayer, norm: norm, activation: activation));
        }

        layers.Add(new ConvModule(hidden, hidden, 3, stride: stride, padding: 1, groups: hidden, conv: convLayer, norm: norm, activation: activation));
        layers.Add(new ConvModule(hidden, outChannels, 1, conv: convLayer, norm: norm, activation: null));
        conv = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <summary>Whether the input is added to the output.</summary>
    public bool UsesResidual => useResConnect;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = conv.call(input);
        return useResConnect ? input.add(output, ScalarConstants.One) : output;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var output = graph.Export(conv, inputs[0]);
        return [useResConnect ? graph.Node("Add", [inputs[0], output]) : output];
    }
}
