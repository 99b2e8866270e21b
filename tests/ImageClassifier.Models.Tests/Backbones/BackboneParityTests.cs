using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// Every zoo fixture case: the backbone built from the case's config loads the PyTorch state dict
/// under "backbone." strictly (so every key name matches mmpretrain's) and reproduces PyTorch's
/// features in evaluation mode.
/// </summary>
public sealed class BackboneParityTests(ITestOutputHelper output)
{

    public static TheoryData<string> Cases() => ZooFixtures.NamesData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Features_match_pytorch(string name)
    {
        var zooCase = ZooFixtures.Case(name);
        using var backbone = BackboneCases.Build(zooCase);
        var report = StateDictLoader.LoadCheckpoint(backbone, zooCase.StateDictPath, new StateDictLoadOptions { Prefix = "backbone.", Strict = true });
        Assert.True(report.IsExact, report.Describe());
        backbone.eval();

        using var io = zooCase.ReadIo();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = backbone.call(io.Input);
        Assert.Equal(io.Features.Count, features.Count);
        for (var index = 0; index < features.Count; index++)
        {
            Assert.Equal(zooCase.FeatureShapes[index], features[index].shape);
            var difference = (features[index] - io.Features[index]).abs().max().item<float>();
            output.WriteLine($"{name} features[{index}] {string.Join("x", features[index].shape)}: max |diff| = {difference:E2}");
            var tolerance = TensorAssert.ParityTolerance(io.Features[index]);
            Assert.True(difference <= tolerance, $"{name} features[{index}]: max |diff| {difference:E3} > {tolerance:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Feature_info_matches_the_fixture_and_the_parameter_count(string name)
    {
        var zooCase = ZooFixtures.Case(name);
        using var backbone = BackboneCases.Build(zooCase);
        var info = Assert.IsAssignableFrom<IHasFeatureInfo>(backbone);
        Assert.Equal(zooCase.StageOutChannels, info.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal(zooCase.FeatureShapes.Select(shape => shape[1]), info.OutputFeatureInfo.Select(stage => (long)stage.Channels));
        Assert.Equal(zooCase.FeatureShapes.Select(shape => shape[2]), info.OutputFeatureInfo.Select(stage => zooCase.InputShape[2] / stage.Reduction));

        // The fixture counts the whole classifier: the backbone plus the head's fc.
        var head = zooCase.HeadConfig;
        var fcParameters = (head.GetProperty("in_channels").GetInt64() + 1) * head.GetProperty("num_classes").GetInt64();
        var backboneParameters = backbone.parameters().Sum(parameter => parameter.numel());
        Assert.Equal(zooCase.NumParams, backboneParameters + fcParameters);
    }
}
