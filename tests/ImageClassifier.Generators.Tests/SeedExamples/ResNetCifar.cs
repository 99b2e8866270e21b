using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;

namespace Seed.Backbones;

/// <summary>
/// ResNet for CIFAR's 32x32 images: the stem is a single 3x3 stride-1 conv and the max pooling
/// after it is gone, so the stages do not start from maps that are already too small.
/// </summary>
[RegisterModel("ResNet_CIFAR")]
public partial class ResNetCifar : ResNet
{
    /// <summary>Creates the backbone from every ResNet argument; deep_stem must stay false.</summary>
    /// <param name="config">The ResNet arguments.</param>
    public ResNetCifar(ResNetConfig config)
        : base(RejectDeepStem(config))
    {
    }

    /// <inheritdoc />
    protected override void MakeStemLayer(int inChannels, int stemChannels, bool deepStem)
    {
        conv1 = nn.Conv2d(inChannels, stemChannels, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(stemChannels);
    }

    /// <inheritdoc />
    protected override Tensor ForwardStem(Tensor input) => nn.functional.relu(bn1!.call(conv1!.call(input)));

    // Checked before the base constructor builds any layer.
    private static ResNetConfig RejectDeepStem(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.DeepStem)
        {
            throw new ConfigValueException("deep_stem", true, "false for ResNet_CIFAR, whose stem is a single 3x3 conv");
        }

        return config;
    }
}
