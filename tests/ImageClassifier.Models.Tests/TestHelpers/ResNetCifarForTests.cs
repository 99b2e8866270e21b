using ImageClassifier.Models.Backbones;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// The seed's ResNet_CIFAR, written here because the zoo has no registration for it, the way a
/// plugin would write it: every ResNet argument through <see cref="ResNetConfig"/>, and only the
/// stem hooks overridden (a 3x3 stride-1 conv, the norm, ReLU, no max pooling, for 32x32 images),
/// with mmpretrain's keys conv1 / bn1.
/// </summary>
internal sealed class ResNetCifarForTests : ResNet
{
    public ResNetCifarForTests(ResNetConfig config)
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
        relu = nn.ReLU(inplace: true);
    }

    protected override Tensor ForwardStem(Tensor input) => relu!.call(Norm1!.call(conv1!.call(input)));
}

/// <summary>The config the test binder uses for "ResNet_CIFAR": every ResNet member, building <see cref="ResNetCifarForTests"/>.</summary>
internal sealed class ResNetCifarForTestsConfig : ResNetConfig
{
    public override string TypeName => "ResNet_CIFAR";

    public override ResNet Build() => new ResNetCifarForTests(this);
}
