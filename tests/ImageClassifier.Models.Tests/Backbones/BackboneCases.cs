using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Tests.TestHelpers;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>Builds a zoo fixture case's backbone through the generated config of its "type".</summary>
internal static class BackboneCases
{
    public static Backbone Build(ZooCase zooCase) => zooCase.BackboneType switch
    {
        "ResNet" => ZooFixtures.Bind<ResNetConfig>(zooCase.BackboneConfig).Build(),
        "ResNetV1c" => ZooFixtures.Bind<ResNetV1cConfig>(zooCase.BackboneConfig).Build(),
        "ResNetV1d" => ZooFixtures.Bind<ResNetV1dConfig>(zooCase.BackboneConfig).Build(),
        "MobileNetV2" => ZooFixtures.Bind<MobileNetV2Config>(zooCase.BackboneConfig).Build(),
        "ResNet_CIFAR" => new ResNetCifarForTests(ZooFixtures.Bind<ResNetConfig>(zooCase.BackboneConfig)),
        var other => throw new NotSupportedException($"No backbone for fixture type '{other}'."),
    };
}
