using ImageClassifier;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SeedExamples.Backbones;

/// <summary>
/// ResNet for CIFAR's 32x32 images. ImageNet's stem (a 7x7 stride-2 conv, then a stride-2 max
/// pooling) would leave the residual stages 8x8 maps; this stem is a single 3x3 stride-1 conv with
/// no pooling. Every other argument is ResNet's.
/// </summary>
[RegisterModel("ResNet_CIFAR")]
public partial class ResNetCifar : ResNet
{
    /// <summary>Creates the backbone from ResNet's arguments; deep_stem must stay false.</summary>
    /// <param name="config">ResNet's arguments.</param>
    public ResNetCifar(ResNetConfig config)
        : base(RejectDeepStem(config))
    {
    }

    /// <inheritdoc />
    protected override int StemStride => 1;

    /// <summary>conv1 (3x3, stride 1), its norm (bn1) and relu; no max pooling.</summary>
    protected override void MakeStemLayer(int inChannels, int stemChannels, bool deepStem)
    {
        conv1 = ConvCfg.Create(inChannels, stemChannels, kernelSize: 3, stride: 1, padding: 1, bias: false);
        AddNorm1(stemChannels);
        relu = nn.ReLU(inplace: true);
    }

    /// <inheritdoc />
    protected override Tensor ForwardStem(Tensor input) => relu!.call(Norm1!.call(conv1!.call(input)));

    /// <summary>The same stem in an ONNX graph; without this override the export would refuse the backbone rather than export ResNet's stem.</summary>
    protected override string ExportOnnxStem(OnnxGraphBuilder graph, string input) =>
        (graph ?? throw new ArgumentNullException(nameof(graph))).Chain(input, conv1, Norm1, relu);

    // Checked before the base constructor builds any layer: the CIFAR stem has no deep variant.
    private static ResNetConfig RejectDeepStem(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.DeepStem)
        {
            throw new ConfigValueException("deep_stem", true, "false: ResNet_CIFAR's stem is a single 3x3 conv");
        }

        return config;
    }
}

/// <summary>ResNet_CIFAR's stem is one 3x3 convolution; the stages are ResNet's.</summary>
public partial class ResNetCifarConfig
{
    /// <inheritdoc />
    protected override double EstimateStemParameters() => 9.0 * InChannels * StemChannels;
}
