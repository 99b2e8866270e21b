using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// One layer of a DenseNet block, mmpretrain's <c>DenseLayer</c>: norm, activation, 1x1 conv to
/// bn_size * growth_rate channels, norm, activation, 3x3 conv to growth_rate channels (both convs
/// without bias), then dropout while training when drop_rate is above 0. (N, in, H, W), the block's
/// features so far concatenated, to (N, growth_rate, H, W): the new features the block appends.
/// </summary>
public sealed class DenseLayer : nn.Module<Tensor, Tensor>, IConvNormPairs, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> norm1;
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> norm2;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly double dropRate;

    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Input channels: the block's input plus growth_rate for each layer before this one.</param>
    /// <param name="growthRate">Output channels.</param>
    /// <param name="bnSize">Channels of the 1x1 conv's output over growth_rate.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="activation">The activation after each norm.</param>
    /// <param name="dropRate">Dropout probability of the output while training.</param>
    public DenseLayer(int inChannels, int growthRate, int bnSize, NormLayerBuilder norm, ActivationBuilder activation, double dropRate)
        : base(nameof(DenseLayer))
    {
        ArgumentNullException.ThrowIfNull(norm);
        ArgumentNullException.ThrowIfNull(activation);
        var middle = bnSize * growthRate;
        norm1 = norm.Create(inChannels);
        conv1 = nn.Conv2d(inChannels, middle, 1, bias: false);
        act = activation.Create();
        norm2 = norm.Create(middle);
        conv2 = nn.Conv2d(middle, growthRate, 3, padding: 1, bias: false);
        this.dropRate = dropRate;
        RegisterComponents();
    }

    /// <summary>The 1x1 conv feeds only the second norm (the first norm reads the layer's input).</summary>
    public IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> ConvNormPairs() => [(conv1, norm2)];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var bottleneck = conv1.call(act.call(norm1.call(input)));
        var output = conv2.call(act.call(norm2.call(bottleneck)));
        return dropRate > 0 ? nn.functional.dropout(output, dropRate, training) : output;
    }

    /// <summary>Norm, activation, 1x1 conv, norm, activation, 3x3 conv; dropout is the identity in evaluation.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Chain(inputs[0], norm1, act, conv1, norm2, act, conv2)];
    }
}
