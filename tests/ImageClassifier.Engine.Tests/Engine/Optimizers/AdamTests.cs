using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using AdamOptimizer = ImageClassifier.Engine.Optimizers.AdamOptimizer;
using ParameterGroup = ImageClassifier.Engine.Optimizers.ParameterGroup;
using SafeAdam = ImageClassifier.Engine.Optimizers.Adam;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// The engine's Adam ("Adam" in configs): the steps of torch 1.13's <c>torch.optim.Adam</c>
/// (Fixtures/Optimizers/steps.json, two parameter groups with their own learning rates and weight
/// decays), bit for bit those of TorchSharp's class, and states that move between the two.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class AdamTests
{
    public static TheoryData<string> Cases => OptimizerStepFixture.CaseNames("Adam");

    public static TheoryData<double, bool> Settings => new()
    {
        { 0, false },
        { 0.05, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_equal_torch_1_13(string caseName)
    {
        // Same float32 arithmetic (up to about 7e-8 apart here): only libtorch's version and the CPU's vector width differ.
        OptimizerStepFixture.AssertMatches("Adam", caseName, relativeTolerance: 1e-6);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Steps_equal_TorchSharps_Adam_bit_for_bit(double weightDecay, bool amsgrad)
    {
        var (ours, reference) = OptimizerParity.Train(
            parameters => new SafeAdam(parameters, 0.01, 0.9, 0.99, 1e-8, weightDecay, amsgrad),
            parameters => optim.Adam(parameters, 0.01, 0.9, 0.99, 1e-8, weightDecay, amsgrad));
        OptimizerParity.AssertBitwiseEqual(ours, reference);
    }

    [Fact]
    public void Momentum_schedulers_drive_beta1_in_each_group()
    {
        using var weight = new Parameter(torch.ones(1));
        using var optimizer = new AdamOptimizer(betas: [0.9, 0.999]).Create([new ParameterGroup([("w", weight)], 0.1, 0)]);
        var group = optimizer.ParamGroups.Single();

        ScheduledParameter.Momentum.Set(group, 0.85);

        Assert.Equal((0.85, 0.999), ((Adam.ParamGroup)group).Betas);
    }

    [Fact]
    public void Saved_states_move_between_TorchSharps_Adam_and_ours_both_ways()
    {
        using var weight = new Parameter(torch.ones(3));
        using var ours = new SafeAdam([weight], 0.1, 0.9, 0.999, 1e-8, 0, amsgrad: true);
        using var plain = optim.Adam([weight], 0.1, 0.9, 0.999, 1e-8, 0, amsgrad: true);
        weight.grad = torch.full(3, 2.0f);
        ours.step();

        OptimizerParity.Load(plain, OptimizerParity.Save(ours));
        var moved = (Adam.State)plain.state_dict().State[0];
        Assert.Equal(1, moved.step);
        Assert.Equal(new[] { 0.2f, 0.2f, 0.2f }, moved.exp_avg.data<float>().ToArray());
        plain.step();
        OptimizerParity.Load(ours, OptimizerParity.Save(plain));
        Assert.Equal(2, ((Adam.State)ours.state_dict().State[0]).step);
    }
}
