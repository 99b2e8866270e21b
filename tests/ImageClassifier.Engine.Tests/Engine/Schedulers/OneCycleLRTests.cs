using ImageClassifier.Engine.Schedulers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Schedulers;

/// <summary>
/// What OneCycleLR does besides its curve (checked against torch in <see cref="ScheduleParityTests"/>):
/// mmengine's initial rate for later schedulers, and refusals of cycles that cannot run.
/// </summary>
public sealed class OneCycleLRTests : IDisposable
{
    private readonly Parameter parameter = new(torch.zeros(1));

    public void Dispose() => parameter.Dispose();

    [Fact]
    public void The_initial_rate_becomes_eta_max_over_div_factor_for_schedulers_after_it()
    {
        using var optimizer = optim.SGD([parameter], 0.1);
        var cycle = new OneCycleLR(etaMax: [0.5], divFactor: 10, byEpoch: false);
        var after = new ConstantLR(factor: 0.5, begin: 5, byEpoch: false);

        cycle.Attach(optimizer, maxEpochs: null, maxIterations: 20, epochLength: 5);
        after.Attach(optimizer, maxEpochs: null, maxIterations: 20, epochLength: 5);

        Assert.Equal(20, cycle.TotalSteps);
        Assert.Equal(0.05, optimizer.ParamGroups.Single().InitialLearningRate, 15);
        Assert.Equal(0.05, after.BaseValues.Single(), 15);
    }

    [Fact]
    public void A_range_longer_than_total_steps_is_refused_before_training()
    {
        using var optimizer = optim.SGD([parameter], 0.1);

        // mmengine and torch would fail at step 11; the range's default end is the run's 20 iterations.
        var error = Assert.Throws<ConfigValueException>(() => new OneCycleLR(etaMax: [0.5], totalSteps: 10, byEpoch: false).Attach(optimizer, maxEpochs: null, maxIterations: 20, epochLength: 5));

        Assert.Equal("total_steps", error.Member);
        Assert.Contains("at least 19", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycling_momentum_without_momentum_is_refused()
    {
        using var optimizer = optim.Adagrad([parameter], lr: 0.1);

        var error = Assert.Throws<ConfigValueException>(() => new OneCycleLR(etaMax: [0.5], cycleMomentum: true, byEpoch: false).Attach(optimizer, maxEpochs: null, maxIterations: 20, epochLength: 5));

        Assert.Equal("cycle_momentum", error.Member);
    }
}
