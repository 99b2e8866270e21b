using ImageClassifier;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Binding.TestComponents.Backbones;

/// <summary>ToyNet for 32x32 images: a single 3x3 stem conv, so deep_stem must stay false.</summary>
[RegisterModel("ToyNet_CIFAR")]
[ParameterDefault(nameof(ToyNetConfig.Depth), 2)]
public sealed class ToyNetCifar : ToyNet
{
    /// <summary>Creates the backbone from every ToyNet argument.</summary>
    /// <param name="config">The ToyNet arguments.</param>
    public ToyNetCifar(ToyNetConfig config)
        : base(RejectDeepStem(config))
    {
    }

    /// <inheritdoc />
    protected override Sequential MakeStem(int inChannels, int channels, bool deepStem) =>
        nn.Sequential(nn.Conv2d(inChannels, channels, kernel_size: 3, padding: 1), nn.ReLU());

    // Checked before the base constructor builds any layer.
    private static ToyNetConfig RejectDeepStem(ToyNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.DeepStem)
        {
            throw new ConfigValueException("deep_stem", true, "false for ToyNet_CIFAR, whose stem is a single 3x3 conv");
        }

        return config;
    }
}
