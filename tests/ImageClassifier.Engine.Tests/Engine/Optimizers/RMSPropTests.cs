using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using RmspropOptimizer = ImageClassifier.Engine.Optimizers.RmspropOptimizer;
using ParameterGroup = ImageClassifier.Engine.Optimizers.ParameterGroup;
using SafeRMSProp = ImageClassifier.Engine.Optimizers.RMSProp;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// The engine's RMSprop ("RMSprop" in configs): the steps of torch 1.13's
/// <c>torch.optim.RMSprop</c> (Fixtures/Optimizers/steps.json: plain, centered, with momentum and
/// weight decay, both; two parameter groups), bit for bit those of TorchSharp's class, and states
/// that move between the two.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class RMSPropTests
{
    public static TheoryData<string> Cases => OptimizerStepFixture.CaseNames("RMSprop");

    public static TheoryData<double, double, bool> Settings => new()
    {
        { 0, 0, false },
        { 0.01, 0.9, false },
        { 0.01, 0.5, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_equal_torch_1_13(string caseName)
    {
        // Same float32 arithmetic (up to about 7e-8 apart here): only libtorch's version and the CPU's vector width differ.
        OptimizerStepFixture.AssertMatches("RMSprop", caseName, relativeTolerance: 1e-6);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Steps_equal_TorchSharps_RMSProp_bit_for_bit(double weightDecay, double momentum, bool centered)
    {
        var (ours, reference) = OptimizerParity.Train(
            parameters => new SafeRMSProp(parameters, 0.01, 0.9, 1e-8, weightDecay, momentum, centered),
            parameters => optim.RMSProp(parameters, 0.01, 0.9, 1e-8, weightDecay, momentum, centered));
        OptimizerParity.AssertBitwiseEqual(ours, reference);
    }

    [Fact]
    public void Momentum_schedulers_drive_the_momentum_in_each_group()
    {
        using var weight = new Parameter(torch.ones(1));
        using var optimizer = new RmspropOptimizer(momentum: 0.9).Create([new ParameterGroup([("w", weight)], 0.1, 0)]);
        var group = optimizer.ParamGroups.Single();

        ScheduledParameter.Momentum.Set(group, 0.85);

        Assert.Equal(0.85, ((RMSProp.ParamGroup)group).Momentum);
    }

    [Fact]
    public void Saved_states_move_between_TorchSharps_RMSProp_and_ours_both_ways()
    {
        using var weight = new Parameter(torch.ones(3));
        using var ours = new SafeRMSProp([weight], 0.1, 0.5, 1e-8, 0, 0.9, centered: true);
        using var plain = optim.RMSProp([weight], 0.1, 0.5, 1e-8, 0, 0.9, centered: true);
        weight.grad = torch.full(3, 2.0f);
        ours.step();

        OptimizerParity.Load(plain, OptimizerParity.Save(ours));
        var moved = (RMSProp.State)plain.state_dict().State[0];
        Assert.Equal(new[] { 2f, 2f, 2f }, moved.square_avg.data<float>().ToArray());
        Assert.Equal(new[] { 1f, 1f, 1f }, moved.grad_avg.data<float>().ToArray());
        plain.step();
        OptimizerParity.Load(ours, OptimizerParity.Save(plain));
        Assert.Equal(2, ((RMSProp.State)ours.state_dict().State[0]).step);
    }
}
