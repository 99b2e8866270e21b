using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// The engine's Lion ("Lion" in configs, lion-pytorch's as mmengine registers it). torch 1.13 has
/// no Lion, so the reference (Fixtures/Optimizers/steps.json) is a float64 numpy implementation
/// written in tools/fixtures/make_optimizer_fixtures.py from lion-pytorch's update and the paper.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class LionTests
{
    public static TheoryData<string> Cases => OptimizerStepFixture.CaseNames("Lion");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_equal_a_float64_reference(string caseName)
    {
        // Each step moves by lr in sign; float32 rounds the decay and the moves (about 4e-7 here).
        OptimizerStepFixture.AssertMatches("Lion", caseName, relativeTolerance: 2e-6);
    }

    [Fact]
    public void A_saved_state_restores_the_momentum_and_the_groups_options()
    {
        using var weight = new Parameter(torch.ones(3));
        using var trained = new LionOptimizer(lr: 0.01, betas: [0.9, 0.5]).Create([new ParameterGroup([("w", weight)], 0.02, 0.1)]);
        weight.grad = torch.full(3, 2.0f);
        trained.step();
        var saved = OptimizerParity.Save(trained);

        using var restored = (Lion)new LionOptimizer(lr: 0.01, betas: [0.9, 0.5]).Create([new ParameterGroup([("w", weight)], 0.5, 0)]);
        OptimizerParity.Load(restored, saved);

        var group = restored.ParamGroups.Cast<ParamGroup<Lion.Options>>().Single();
        Assert.Equal((0.02, 0.02, 0.1), (group.Options.LearningRate, group.Options.InitialLearningRate, group.Options.WeightDecay));
        Assert.Equal(new[] { 1f, 1f, 1f }, ((Lion.State)restored.state_dict().State[0]).ExpAvg.data<float>().ToArray());
    }

    [Fact]
    public void Momentum_schedulers_drive_beta1_as_for_mmengines_optimizers_with_betas()
    {
        using var weight = new Parameter(torch.ones(1));
        using var optimizer = new LionOptimizer(betas: [0.9, 0.99]).Create([new ParameterGroup([("w", weight)], 0.1, 0)]);
        var group = optimizer.ParamGroups.Single();

        ScheduledParameter.Momentum.Set(group, 0.85);

        Assert.Equal((0.85, 0.99), ((Lion.ParamGroup)group).Betas);
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_member()
    {
        Assert.Equal("lr", Assert.Throws<ConfigValueException>(() => new LionOptimizer(lr: 0)).Member);
        Assert.Equal("betas", Assert.Throws<ConfigValueException>(() => new LionOptimizer(betas: [0.9, 1.5])).Member);
    }
}
