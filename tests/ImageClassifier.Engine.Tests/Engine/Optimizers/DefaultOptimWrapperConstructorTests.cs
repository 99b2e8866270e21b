using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// mmengine's DefaultOptimWrapperConstructor: which parameter gets which learning rate and weight
/// decay. For a ResNet-50 the expected values come from mmengine's rules applied in Python to
/// torchvision's resnet50 (Fixtures/Optimizers/paramwise.json); ResNet has no depthwise
/// convolution, so dwconv_decay_mult is checked on MobileNetV2 against names listed by hand.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class DefaultOptimWrapperConstructorTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public static TheoryData<string> Cases => ParamwiseFixture.CaseNames(DefaultOptimWrapperConstructor.TypeName);

    public void Dispose() => experiment.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_resnet50s_parameters_get_mmengines_learning_rates_and_weight_decays(string caseName) =>
        ParamwiseFixture.AssertMatches(caseName);

    [Fact]
    public void Depthwise_convolutions_take_dwconv_decay_mult()
    {
        var run = experiment.Read(
            "model.backbone={\"_delete_\": true, \"type\": \"MobileNetV2\", \"widen_factor\": 0.25}",
            "model.head.in_channels=1280",
            "optim_wrapper.paramwise_cfg={\"dwconv_decay_mult\": 0.0}");
        using var model = run.BuildModel();

        var groups = run.GroupParameters(model, run.BuildOptimizer());

        // The 3x3 conv of each inverted residual: conv.0 in layer1 (expand ratio 1, no 1x1 expansion), conv.1 after it.
        int[] blocks = [1, 2, 3, 4, 3, 3, 1];
        var depthwise = blocks.SelectMany((count, stage) => Enumerable.Range(0, count).Select(block => $"backbone.layer{stage + 1}.{block}.conv.{(stage == 0 ? 0 : 1)}.conv.weight"));
        Assert.Equal(depthwise.Order(), groups.Single(group => group.WeightDecay == 0).Names.Order());
        Assert.Equal(model.parameters().Count() - blocks.Sum(), groups.Single(group => group.WeightDecay == 0.0001).Members.Count);
        Assert.All(groups, group => Assert.Equal(0.05, group.LearningRate));
    }

    [Fact]
    public void Without_paramwise_settings_every_parameter_frozen_or_not_is_in_one_group()
    {
        var run = experiment.Read("model.backbone.frozen_stages=0");
        using var model = run.BuildModel();

        var group = Assert.Single(run.GroupParameters(model, run.BuildOptimizer()));

        // As mmengine passes model.parameters(): the frozen stem is there, and gets no gradient.
        Assert.Equal(model.named_parameters().Select(pair => pair.name), group.Names);
        Assert.Contains("backbone.conv1.weight", group.Names);
        Assert.Equal((0.05, 0.0001), (group.LearningRate, group.WeightDecay));
    }

    [Fact]
    public void With_paramwise_settings_frozen_parameters_are_left_out()
    {
        var run = experiment.Read("model.backbone.frozen_stages=0", "optim_wrapper.paramwise_cfg={\"bias_lr_mult\": 2.0}");
        using var model = run.BuildModel();

        var names = run.GroupParameters(model, run.BuildOptimizer()).SelectMany(group => group.Names).ToList();

        Assert.DoesNotContain("backbone.conv1.weight", names);
        Assert.Equal(model.parameters().Count(parameter => parameter.requires_grad), names.Count);
    }

    [Fact]
    public void A_shared_parameter_is_refused_unless_bypass_duplicate_keeps_its_first_place()
    {
        using var model = new SharedLayer();

        var refusal = Assert.Throws<ConfigValueException>(() => new DefaultOptimWrapperConstructor(new ParamwiseSettings()).Group(model, 0.1, 0));
        var kept = new DefaultOptimWrapperConstructor(new ParamwiseSettings { BypassDuplicate = true }).Group(model, 0.1, 0);

        Assert.Equal("paramwise_cfg.bypass_duplicate", refusal.Member);
        Assert.Contains("second.weight", refusal.Message);
        Assert.Equal(["first.weight", "first.bias"], Assert.Single(kept).Names);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_member()
    {
        Assert.Equal("paramwise_cfg.norm_decay_mult", Assert.Throws<ConfigValueException>(() => new DefaultOptimWrapperConstructor(new ParamwiseSettings { NormDecayMult = -1 })).Member);
        Assert.Equal("paramwise_cfg.custom_keys['head'].lr_mult", Assert.Throws<ConfigValueException>(() => new DefaultOptimWrapperConstructor(new ParamwiseSettings { CustomKeys = [new("head", LrMult: double.NaN)] })).Member);
        Assert.Equal("paramwise_cfg.layer_decay_rate", Assert.Throws<ConfigValueException>(() => new DefaultOptimWrapperConstructor(new ParamwiseSettings { LayerDecayRate = 0.75 })).Member);
    }

    // One linear layer registered under two names, as a module shared by two parents is.
    private sealed class SharedLayer : nn.Module
    {
        public SharedLayer()
            : base(nameof(SharedLayer))
        {
            var linear = nn.Linear(2, 2);
            register_module("first", linear);
            register_module("second", linear);
        }
    }
}
