using ImageClassifier.Models.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// A test-only ResNet_CIFAR, written the way a plugin would: every ResNet argument through
/// <see cref="ResNetConfig"/>, and only the stem hooks overridden (a 3x3 stride-1 conv, the norm,
/// ReLU, no max pooling), with mmpretrain's keys conv1 / bn1.
/// </summary>
internal sealed class CifarStemResNet : ResNet
{
    public CifarStemResNet(ResNetConfig config)
        : base(config)
    {
    }

    protected override int StemStride => 1;

    protected override void MakeStemLayer(int inChannels, int stemChannels, bool deepStem)
    {
        if (deepStem)
        {
            throw new ConfigValueException("deep_stem", deepStem, "false for ResNet_CIFAR");
        }

        conv1 = ConvCfg.Create(inChannels, stemChannels, 3, stride: 1, padding: 1, bias: false);
        AddNorm1(stemChannels);
        relu = nn.ReLU();
    }

    protected override Tensor ForwardStem(Tensor input) => relu!.call(Norm1!.call(conv1!.call(input)));
}
