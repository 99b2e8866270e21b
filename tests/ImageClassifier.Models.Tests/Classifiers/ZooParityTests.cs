using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Classifiers;

/// <summary>
/// Whole-model parity with PyTorch: each case's mmpretrain config builds an ImageClassifier, the
/// case's state dict loads strictly (so every key name is mmpretrain's), and the logits, backbone
/// features and neck outputs match PyTorch's within 1e-4 plus 5e-5 of their largest value.
/// </summary>
public sealed class ZooParityTests(ITestOutputHelper output)
{

    public static TheoryData<string> Cases => ZooFixtures.NamesData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConfigBuildsTheModelWithMmpretrainsKeysAndSizes(string name)
    {
        var fixture = ZooFixtures.Case(name);
        using var model = ZooConfigBinder.BuildClassifier(fixture.Config);
        var stateDict = model.state_dict();

        Assert.IsType<ImageClassifierModel>(model);
        Assert.Equal(fixture.NumParams, model.parameters().Sum(parameter => parameter.numel()));
        Assert.Equal(fixture.NumStateDictKeys, stateDict.Count);
        foreach (var key in fixture.FirstKeys.Concat(fixture.LastKeys))
        {
            Assert.Contains(key, stateDict.Keys);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StrictlyLoadedWeightsGivePyTorchsOutputs(string name)
    {
        var fixture = ZooFixtures.Case(name);
        using var model = ZooConfigBinder.BuildClassifier(fixture.Config);
        var result = ModelWeights.Load(model, fixture.StateDictPath, strict: true);
        Assert.True(result.Report.IsExact, result.Describe());
        Assert.Empty(result.HeadAdaptations);
        model.eval();

        using var scope = torch.NewDisposeScope();
        using var io = fixture.ReadIo();
        var (input, logits, features, neck) = (io.Input, io.Logits, io.Features, io.Neck);
        using var noGrad = torch.no_grad();

        var actualFeatures = model.ExtractFeat(input, FeatureStage.Backbone);
        Assert.Equal(features.Count, actualFeatures.Count);
        for (var index = 0; index < features.Count; index++)
        {
            Assert.Equal(features[index].shape, actualFeatures[index].shape);
            AssertClose(features[index], actualFeatures[index], $"{name} features[{index}]");
        }

        var actualNeck = model.ExtractFeat(input, FeatureStage.Neck);
        Assert.Equal(neck.Count, actualNeck.Count);
        for (var index = 0; index < neck.Count; index++)
        {
            AssertClose(neck[index], actualNeck[index], $"{name} neck[{index}]");
        }

        var actualLogits = model.call(input);
        Assert.Equal(logits.shape, actualLogits.shape);
        AssertClose(logits, actualLogits, $"{name} logits");
    }

    [Fact]
    public void ResNetCifar18HasTheSeedsParameterCount()
    {
        var config = new ResNetCifarForTestsConfig { Depth = 18 };
        using var backbone = config.Build();
        using var model = new ImageClassifierModel(
            backbone,
            new GlobalAveragePooling(),
            new LinearClsHeadConfig { NumClasses = 10, InChannels = 512 }.Build());

        Assert.Equal(11_173_962, model.parameters().Sum(parameter => parameter.numel()));
        Assert.Equal(1, backbone.FeatureInfo[0].Reduction);
    }

    private void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var difference = TensorAssert.MaxAbsDifference(expected, actual);
        using var magnitude = expected.abs().max();
        output.WriteLine($"{what}: largest difference {difference:G3}, largest value {magnitude.item<float>():G3}");
        Assert.True(magnitude.item<float>() > 0, $"{what}: PyTorch's values are all zero, which proves nothing");
        var tolerance = TensorAssert.ParityTolerance(expected);
        Assert.True(difference <= tolerance, $"{what}: largest difference {difference:G3} (tolerance {tolerance:G3})");
    }
}
