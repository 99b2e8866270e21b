using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// mmpretrain's LearningRateDecayOptimWrapperConstructor: for a ResNet-50 the expected learning
/// rates and weight decays come from mmpretrain's rules (its ResNet layer numbering included)
/// applied in Python to torchvision's resnet50 (Fixtures/Optimizers/paramwise.json).
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class LearningRateDecayOptimWrapperConstructorTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public static TheoryData<string> Cases => ParamwiseFixture.CaseNames(LearningRateDecayOptimWrapperConstructor.TypeName);

    public void Dispose() => experiment.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_resnet50s_parameters_get_mmpretrains_layer_wise_learning_rates(string caseName) =>
        ParamwiseFixture.AssertMatches(caseName);

    [Theory]
    [InlineData("{\"_delete_\": true, \"type\": \"MobileNetV2\"}", "MobileNetV2 does not")]
    [InlineData("{\"_delete_\": true, \"type\": \"ResNet\", \"depth\": 18}", "not (2, 2, 2, 2)")]
    public void A_backbone_without_layer_numbering_is_reported_at_the_constructor(string backbone, string detail)
    {
        var run = experiment.Read(
            $"model.backbone={backbone}",
            "optim_wrapper.constructor=LearningRateDecayOptimWrapperConstructor",
            "optim_wrapper.paramwise_cfg={\"layer_decay_rate\": 0.5}");
        using var model = run.BuildModel();

        var error = Assert.Throws<ConfigException>(() => run.GroupParameters(model, run.BuildOptimizer()));

        Assert.Equal("$.optim_wrapper.constructor", error.JsonPath);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void Settings_it_does_not_read_are_refused_naming_the_member()
    {
        static string Refused(ParamwiseSettings settings) =>
            Assert.Throws<ConfigValueException>(() => new LearningRateDecayOptimWrapperConstructor(settings)).Member;

        Assert.Equal("paramwise_cfg.bias_lr_mult", Refused(new() { BiasLrMult = 2 }));
        Assert.Equal("paramwise_cfg.dwconv_decay_mult", Refused(new() { DwconvDecayMult = 0 }));
        Assert.Equal("paramwise_cfg.bypass_duplicate", Refused(new() { BypassDuplicate = true }));
        Assert.Equal("paramwise_cfg.custom_keys['head'].lr_mult", Refused(new() { CustomKeys = [new("head", LrMult: 10)] }));
        Assert.Equal("paramwise_cfg.layer_decay_rate", Refused(new() { LayerDecayRate = 0 }));
    }
}
