using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// The engine's Lamb ("Lamb" in configs, mmpretrain's). torch 1.13 has no LAMB, so the reference
/// (Fixtures/Optimizers/steps.json) is a float64 numpy implementation written in
/// tools/fixtures/make_optimizer_fixtures.py from mmpretrain's lamb.py: global gradient-norm
/// clipping active and not, trust clipping, always_adapt, a group without weight decay, a parameter
/// that starts at zero (trust ratio 1) and one without a gradient at one step.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class LambTests
{
    public static TheoryData<string> Cases => OptimizerStepFixture.CaseNames("Lamb");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_equal_a_float64_reference(string caseName)
    {
        // float32 against float64: a few float32 roundings per step (up to about 1.2e-7 here).
        OptimizerStepFixture.AssertMatches("Lamb", caseName, relativeTolerance: 2e-6);
    }

    [Fact]
    public void A_saved_state_restores_the_moments_and_the_groups_step_counts()
    {
        using var first = new Parameter(torch.ones(3));
        using var second = new Parameter(torch.ones(2));
        using var trained = Create(first, second);
        first.grad = torch.full(3, 0.5f);
        second.grad = torch.full(2, 0.25f);
        trained.step();
        second.grad = null;
        trained.step();
        var saved = OptimizerParity.Save(trained);

        using var restored = Create(first, second);
        OptimizerParity.Load(restored, saved);

        var options = restored.ParamGroups.Cast<ParamGroup<Lamb.Options>>().Select(group => group.Options).ToList();
        Assert.Equal([2L, 2L], options.Select(option => option.Step));
        Assert.Equal([0.0, 0.5], options.Select(option => option.WeightDecay!.Value));
        var states = restored.state_dict().State.Cast<Lamb.State>().ToList();
        var trainedStates = trained.state_dict().State.Cast<Lamb.State>().ToList();
        for (var i = 0; i < states.Count; i++)
        {
            Assert.Equal(trainedStates[i].ExpAvg.data<float>().ToArray(), states[i].ExpAvg.data<float>().ToArray());
            Assert.Equal(trainedStates[i].ExpAvgSq.data<float>().ToArray(), states[i].ExpAvgSq.data<float>().ToArray());
        }

        Assert.NotEqual(0f, states[1].ExpAvg.data<float>()[0]);
    }

    [Fact]
    public void A_saved_state_is_refused_by_another_optimizer()
    {
        using var weight = new Parameter(torch.ones(3));
        using var lamb = Create(weight);

        using var lion = new LionOptimizer().Create([new ParameterGroup([("w", weight)], 1e-4, 0)]);
        Assert.Throws<InvalidDataException>(() => OptimizerParity.Load(lion, OptimizerParity.Save(lamb)));
    }

    [Fact]
    public void Momentum_schedulers_drive_beta1_as_for_mmengines_optimizers_with_betas()
    {
        using var weight = new Parameter(torch.ones(1));
        using var optimizer = new LambOptimizer(betas: [0.9, 0.999]).Create([new ParameterGroup([("w", weight)], 0.1, 0)]);
        var group = optimizer.ParamGroups.Single();

        ScheduledParameter.Momentum.Set(group, 0.85);

        Assert.Equal((0.85, 0.999), ((Lamb.ParamGroup)group).Betas);
    }

    [Fact]
    public void A_run_stopped_mid_epoch_resumes_to_the_same_weights_as_an_uninterrupted_one()
    {
        using var experiment = new TinyExperiment();
        string[] lamb =
        [
            "optim_wrapper.optimizer={\"_delete_\": true, \"type\": \"Lamb\", \"lr\": 0.01, \"weight_decay\": 0.02}",
            "optim_wrapper.paramwise_cfg={\"norm_decay_mult\": 0.0, \"bias_lr_mult\": 2.0}",
        ];
        var (straight, expected) = experiment.Train(experiment.WorkDir("straight"), cfgOptions: lamb);

        var workDir = experiment.WorkDir("stopped");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var (stopped, _) = experiment.Train(workDir, cancellation: cancelled.Token, cfgOptions: lamb);
        var (resumed, actual) = experiment.Train(workDir, resume: RunnerOptions.ResumeLatest, cfgOptions: lamb);

        Assert.Equal(1, stopped.Iteration);
        Assert.True(straight.Completed && resumed.Completed);
        Assert.Equal(straight.Iteration, resumed.Iteration);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.allclose(actual[name], rtol: 0, atol: 1e-6), $"{name} differs after resuming");
        }
    }

    private static Lamb Create(params Parameter[] parameters) =>
        (Lamb)new LambOptimizer(lr: 0.1, weightDecay: 0.5).Create(
            [.. parameters.Select((parameter, index) => new ParameterGroup([($"p{index}", parameter)], 0.1, index == 0 ? 0.0 : 0.5))]);
}
