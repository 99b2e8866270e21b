using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Schedulers;

/// <summary>
/// mmengine's generic <c>*ParamScheduler</c> types, bound from JSON with <c>param_name</c>: on "lr"
/// each gives its <c>*LR</c> namesake's curve (itself checked against torch in
/// <see cref="ScheduleParityTests"/>); on another option (weight_decay, also our own optimizers'
/// PascalCase options) the same formula drives that option, which the optimizer then uses; and
/// ReduceOnPlateau's counting, state and refusals.
/// </summary>
public sealed class GenericParamSchedulerTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string, string> Namesakes => new()
    {
        { """{"type": "ConstantParamScheduler", "param_name": "lr", "factor": 0.5, "end": 4, "by_epoch": false}""", """{"type": "ConstantLR", "factor": 0.5, "end": 4, "by_epoch": false}""" },
        { """{"type": "LinearParamScheduler", "param_name": "lr", "start_factor": 0.2, "end": 5}""", """{"type": "LinearLR", "start_factor": 0.2, "end": 5}""" },
        { """{"type": "StepParamScheduler", "param_name": "lr", "step_size": 3, "gamma": 0.5}""", """{"type": "StepLR", "step_size": 3, "gamma": 0.5}""" },
        { """{"type": "MultiStepParamScheduler", "param_name": "lr", "milestones": [2, 5], "gamma": 0.3, "by_epoch": false}""", """{"type": "MultiStepLR", "milestones": [2, 5], "gamma": 0.3, "by_epoch": false}""" },
        { """{"type": "ExponentialParamScheduler", "param_name": "lr", "gamma": 0.9, "begin": 2, "end": 9, "by_epoch": false}""", """{"type": "ExponentialLR", "gamma": 0.9, "begin": 2, "end": 9, "by_epoch": false}""" },
        { """{"type": "PolyParamScheduler", "param_name": "lr", "eta_min": 0.01, "power": 2, "by_epoch": true, "convert_to_iter_based": true}""", """{"type": "PolyLR", "eta_min": 0.01, "power": 2, "by_epoch": true, "convert_to_iter_based": true}""" },
        { """{"type": "CosineAnnealingParamScheduler", "param_name": "lr", "eta_min_ratio": 0.1, "by_epoch": false, "begin": 3}""", """{"type": "CosineAnnealingLR", "eta_min_ratio": 0.1, "by_epoch": false, "begin": 3}""" },
        { """{"type": "CosineRestartParamScheduler", "param_name": "lr", "periods": [4, 6], "restart_weights": [1, 0.5], "eta_min": 0.001, "by_epoch": false}""", """{"type": "CosineRestartLR", "periods": [4, 6], "restart_weights": [1, 0.5], "eta_min": 0.001, "by_epoch": false}""" },
        { """{"type": "OneCycleParamScheduler", "param_name": "lr", "eta_max": 0.5, "total_steps": 18, "by_epoch": false}""", """{"type": "OneCycleLR", "eta_max": 0.5, "total_steps": 18, "by_epoch": false}""" },
        { """{"type": "CosineAnnealingParamScheduler", "param_name": "momentum", "eta_min": 0.5, "by_epoch": false}""", """{"type": "CosineAnnealingMomentum", "eta_min": 0.5, "by_epoch": false}""" },
    };

    [Theory]
    [MemberData(nameof(Namesakes))]
    public void A_generic_scheduler_on_lr_or_momentum_gives_its_namesakes_curve(string generic, string namesake)
    {
        var expected = Curves(namesake, "SGD");
        var actual = Curves(generic, "SGD");

        AssertClose(expected.Rates, actual.Rates, "lr");
        AssertClose(expected.Momenta, actual.Momenta, "momentum");
        Assert.Equal(expected.Rates.Count, actual.WeightDecays.Count);
        Assert.All(actual.WeightDecays, decay => Assert.Equal(0.01, decay));
    }

    [Theory]
    [InlineData("SGD")]
    [InlineData("AdamW")]
    [InlineData("Lion")]
    public void On_weight_decay_the_formula_drives_the_decay_and_leaves_the_rate(string optimizer)
    {
        // The cosine on a weight decay of 0.01 is the cosine on a rate of 0.01: the namesake's curve from the same start.
        var expected = Curves("""{"type": "CosineAnnealingLR", "eta_min": 0.001, "by_epoch": false}""", "SGD", lr: 0.01);
        var actual = Curves("""{"type": "CosineAnnealingParamScheduler", "param_name": "weight_decay", "eta_min": 0.001, "by_epoch": false}""", optimizer);

        AssertClose(expected.Rates, actual.WeightDecays, "weight_decay");
        Assert.All(actual.Rates, rate => Assert.Equal(0.1, rate));
    }

    [Fact]
    public void The_optimizer_uses_the_scheduled_weight_decay()
    {
        using var parameter = new Parameter(ones(1));
        using var optimizer = Sgd(parameter, lr: 0.1, weightDecay: 0.5, momentum: 0);
        var decayOff = Bind("""{"type": "MultiStepParamScheduler", "param_name": "weight_decay", "milestones": [1], "gamma": 0, "by_epoch": false}""");
        decayOff.Attach(optimizer, maxEpochs: null, maxIterations: 10, epochLength: 10);

        // A zero gradient leaves only the decay: 1 - 0.1 * 0.5 at the first step, nothing after the decay is scheduled to 0.
        StepWithZeroGradient(optimizer, parameter);
        Assert.Equal(0.95, parameter.item<float>(), 6);
        decayOff.Step();
        StepWithZeroGradient(optimizer, parameter);
        Assert.Equal(0.95, parameter.item<float>(), 6);
    }

    [Fact]
    public void A_name_the_groups_do_not_hold_is_refused_at_param_name()
    {
        using var parameter = new Parameter(zeros(1));
        using var optimizer = Sgd(parameter, lr: 0.1, weightDecay: 0);

        var error = Assert.Throws<ConfigValueException>(() => Bind("""{"type": "StepParamScheduler", "param_name": "betas", "step_size": 2}""").Attach(optimizer, maxEpochs: 10, maxIterations: 100, epochLength: 10));

        Assert.Equal("param_name", error.Member);
        Assert.Contains("'betas'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_param_name_is_refused()
    {
        var error = Assert.Throws<ConfigValueException>(() => new StepParamScheduler(paramName: "", stepSize: 2));

        Assert.Equal("param_name", error.Member);
    }

    [Fact]
    public void OneCycle_refuses_an_eta_max_list_that_does_not_match_the_groups()
    {
        using var first = new Parameter(zeros(1));
        using var second = new Parameter(zeros(1));
        var builder = Builder("SGD");
        using var optimizer = builder.Create([new ParameterGroup([("a", first)], 0.1, 0), new ParameterGroup([("b", second)], 0.1, 0)]);

        var error = Assert.Throws<ConfigValueException>(() => new OneCycleLR(etaMax: [0.1, 0.2, 0.3], byEpoch: false).Attach(optimizer, maxEpochs: null, maxIterations: 10, epochLength: 10));

        Assert.Equal("eta_max", error.Member);
        Assert.Contains("2 groups", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReduceOnPlateau_only_counts_epochs_until_a_validation_reports()
    {
        using var parameter = new Parameter(zeros(1));
        using var optimizer = Sgd(parameter, lr: 0.1, weightDecay: 0);
        var scheduler = new ReduceOnPlateauLR(monitor: "accuracy/top1", rule: "greater", patience: 0, factor: 0.5);
        scheduler.Attach(optimizer, maxEpochs: 10, maxIterations: 100, epochLength: 10);

        scheduler.Step();
        scheduler.Step();
        Assert.Equal(0.1, optimizer.ParamGroups.Single().LearningRate);
        Assert.Equal(2, scheduler.GlobalStep);

        scheduler.Step(Metrics(50));
        scheduler.Step(Metrics(50));
        Assert.Equal(0.05, optimizer.ParamGroups.Single().LearningRate, 15);
    }

    [Fact]
    public void ReduceOnPlateau_resumes_from_its_saved_counters()
    {
        var reported = new[] { 60.0, 70, 70, 69, 71, 71, 70, 70, 70 };
        var straight = PlateauRates(reported, resumeAfter: null);
        var resumed = PlateauRates(reported, resumeAfter: 4);

        AssertClose(straight, resumed, "lr");
        Assert.True(straight[^1] < straight[0], "the plateau never reduced the rate, so the test shows nothing");
    }

    [Fact]
    public void ReduceOnPlateau_names_the_metrics_when_its_monitor_is_not_among_them()
    {
        using var parameter = new Parameter(zeros(1));
        using var optimizer = Sgd(parameter, lr: 0.1, weightDecay: 0);
        var scheduler = new ReduceOnPlateauLR();
        scheduler.Attach(optimizer, maxEpochs: 10, maxIterations: 100, epochLength: 10);

        var error = Assert.Throws<ConfigValueException>(() => scheduler.Step(Metrics(50)));

        Assert.Equal("monitor", error.Member);
        Assert.Contains("\"accuracy/top1\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReduceOnPlateau_refuses_iteration_counting_and_a_late_begin_in_an_iteration_run()
    {
        Assert.Equal("by_epoch", Assert.Throws<ConfigValueException>(() => new ReduceOnPlateauLR(byEpoch: false)).Member);
        Assert.Equal("factor", Assert.Throws<ConfigValueException>(() => new ReduceOnPlateauLR(factor: 1)).Member);

        using var parameter = new Parameter(zeros(1));
        using var optimizer = Sgd(parameter, lr: 0.1, weightDecay: 0);
        var error = Assert.Throws<ConfigValueException>(() => new ReduceOnPlateauLR(begin: 2).Attach(optimizer, maxEpochs: null, maxIterations: 100, epochLength: 10));
        Assert.Equal("begin", error.Member);

        // From 0 it acts on every validation of an iteration-based run, as mmengine's.
        new ReduceOnPlateauLR(monitor: "accuracy/top1").Attach(optimizer, maxEpochs: null, maxIterations: 100, epochLength: 10);
    }

    private static Dictionary<string, double> Metrics(double top1) => new() { ["accuracy/top1"] = top1, ["accuracy/top5"] = 100 };

    private static List<double> PlateauRates(double[] reported, int? resumeAfter)
    {
        using var parameter = new Parameter(zeros(1));
        using var optimizer = Sgd(parameter, lr: 0.1, weightDecay: 0);
        ParamScheduler Create() => new ReduceOnPlateauLR(monitor: "accuracy/top1", rule: "greater", patience: 1, cooldown: 1, factor: 0.5);
        var scheduler = Create();
        scheduler.Attach(optimizer, maxEpochs: 20, maxIterations: 200, epochLength: 10);
        var rates = new List<double>();
        for (var i = 0; i < reported.Length; i++)
        {
            if (i == resumeAfter)
            {
                // As a checkpoint does: the counters travel in the state; the rate itself with the optimizer.
                var state = scheduler.StateDict();
                scheduler = Create();
                scheduler.Attach(optimizer, maxEpochs: 20, maxIterations: 200, epochLength: 10);
                scheduler.LoadStateDict(state);
            }

            scheduler.Step();
            scheduler.Step(Metrics(reported[i]));
            rates.Add(optimizer.ParamGroups.Single().LearningRate);
        }

        return rates;
    }

    private static ParamScheduler Bind(string json) =>
        (ParamScheduler)new ConfigBinder(TinyExperiment.Catalog).BindComponentJson(json, typeof(ParamScheduler)).BuildComponent();

    private static OptimizerBuilder Builder(string type, double lr = 0.1, double momentum = 0.9)
    {
        var json = FormattableString.Invariant($$"""{"type": "{{type}}", "lr": {{lr}}, "weight_decay": 0.01{{(type == "SGD" ? FormattableString.Invariant($", \"momentum\": {momentum}") : string.Empty)}}}""");
        return (OptimizerBuilder)new ConfigBinder(TinyExperiment.Catalog).BindComponentJson(json, typeof(OptimizerBuilder)).BuildComponent();
    }

    private static optim.Optimizer Sgd(Parameter parameter, double lr, double weightDecay, double momentum = 0.9)
    {
        var builder = Builder("SGD", lr, momentum);
        return builder.Create([new ParameterGroup([("p", parameter)], lr, weightDecay)]);
    }

    private static void StepWithZeroGradient(optim.Optimizer optimizer, Parameter parameter)
    {
        optimizer.zero_grad();
        using (var loss = (parameter * 0).sum())
        {
            loss.backward();
        }

        optimizer.step();
    }

    /// <summary>The rate, momentum and weight decay over 24 steps of a run of 6 epochs of 3 iterations.</summary>
    private static (List<double> Rates, List<double> Momenta, List<double> WeightDecays) Curves(string json, string optimizerType, double lr = 0.1)
    {
        using var parameter = new Parameter(zeros(1));
        var builder = Builder(optimizerType, lr);
        using var optimizer = builder.Create([new ParameterGroup([("p", parameter)], builder.LearningRate, builder.WeightDecay)]);
        var scheduler = Bind(json);
        scheduler.Attach(optimizer, maxEpochs: 6, maxIterations: 18, epochLength: 3);
        var group = optimizer.ParamGroups.Single();
        var decay = ScheduledParameter.Named("weight_decay");
        var rates = new List<double> { group.LearningRate };
        var momenta = new List<double> { MomentumOf(group) };
        var decays = new List<double> { decay.Get(group) };
        for (var i = 0; i < 24; i++)
        {
            scheduler.Step();
            rates.Add(group.LearningRate);
            momenta.Add(MomentumOf(group));
            decays.Add(decay.Get(group));
        }

        return (rates, momenta, decays);
    }

    private static double MomentumOf(optim.ILearningRateController group) => ScheduledParameter.Momentum.IsIn(group) ? ScheduledParameter.Momentum.Get(group) : double.NaN;

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance || (double.IsNaN(expected[i]) && double.IsNaN(actual[i])), $"{what} after step {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
