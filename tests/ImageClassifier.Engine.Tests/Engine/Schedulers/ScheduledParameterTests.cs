using ImageClassifier.Engine.Schedulers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SafeAdamW = ImageClassifier.Engine.Optimizers.AdamW;
using SafeSgd = ImageClassifier.Engine.Optimizers.SGD;

namespace ImageClassifier.Engine.Tests.Engine.Schedulers;

/// <summary>
/// Which optimizer setting a scheduler drives, as mmengine's momentum schedulers do it: SGD's
/// momentum, the Adam family's beta1 (beta2 untouched), one initial value for every scheduler of a
/// chain, and a refusal for an optimizer with neither.
/// </summary>
public sealed class ScheduledParameterTests : IDisposable
{
    private readonly Parameter parameter = new(torch.zeros(1));

    public void Dispose() => parameter.Dispose();

    [Fact]
    public void A_momentum_scheduler_drives_SGDs_momentum_and_leaves_the_rate()
    {
        using var optimizer = new SafeSgd([parameter], lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false);
        var group = (SGD.ParamGroup)optimizer.ParamGroups.Single();

        // StepMomentum halves the momentum at steps 2 and 4.
        var scheduler = new StepMomentum(stepSize: 2, gamma: 0.5, byEpoch: false);
        scheduler.Attach(optimizer, maxEpochs: null, maxIterations: 10, epochLength: 5);
        scheduler.Step();
        scheduler.Step();

        Assert.Equal(0.45, group.Options.momentum);
        Assert.Equal(0.1, group.Options.LearningRate);
        Assert.Equal([0.9], scheduler.BaseValues);
    }

    [Fact]
    public void A_momentum_scheduler_drives_AdamWs_beta1_only()
    {
        using var optimizer = new SafeAdamW([parameter], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false);
        var group = (AdamW.ParamGroup)optimizer.ParamGroups.Single();

        new ConstantMomentum(factor: 0.5, end: 3, byEpoch: false).Attach(optimizer, maxEpochs: null, maxIterations: 10, epochLength: 5);

        Assert.Equal(0.45, group.Options.beta1);
        Assert.Equal(0.999, group.Options.beta2);
    }

    [Fact]
    public void Chained_momentum_schedulers_start_from_the_same_initial_momentum()
    {
        using var optimizer = new SafeSgd([parameter], lr: 0.1, momentum: 0.8, dampening: 0, weightDecay: 0, nesterov: false);
        var warmUp = new LinearMomentum(startFactor: 0.5, end: 3, byEpoch: false);
        var decay = new CosineAnnealingMomentum(etaMinRatio: 0.5, begin: 3, byEpoch: false);

        warmUp.Attach(optimizer, maxEpochs: null, maxIterations: 10, epochLength: 5);
        decay.Attach(optimizer, maxEpochs: null, maxIterations: 10, epochLength: 5);

        // As mmengine's initial_momentum: the warm-up already halved the momentum, the cosine's base is still 0.8.
        Assert.Equal(0.4, ((SGD.ParamGroup)optimizer.ParamGroups.Single()).Options.momentum);
        Assert.Equal([0.8], decay.BaseValues);
    }

    [Fact]
    public void A_momentum_scheduler_on_an_optimizer_without_momentum_is_refused_naming_type()
    {
        using var optimizer = optim.Adagrad([parameter], lr: 0.1);

        var error = Assert.Throws<ConfigValueException>(() => new ExponentialMomentum(gamma: 0.9).Attach(optimizer, maxEpochs: 10, maxIterations: 100, epochLength: 10));

        Assert.Equal("type", error.Member);
        Assert.Contains("momentum", error.Message, StringComparison.Ordinal);
    }
}
