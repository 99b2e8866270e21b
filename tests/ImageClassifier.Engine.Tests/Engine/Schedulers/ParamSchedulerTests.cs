using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Schedulers;

/// <summary>Learning rates after each step, against values worked out by hand from mmengine's formulas.</summary>
public sealed class ParamSchedulerTests : IDisposable
{
    private const double Tolerance = 1e-12;
    private readonly Parameter parameter = new(torch.zeros(1));
    private readonly optim.Optimizer optimizer;

    public ParamSchedulerTests()
    {
        optimizer = optim.SGD([parameter], 1.0);
    }

    public void Dispose()
    {
        optimizer.Dispose();
        parameter.Dispose();
    }

    private double Rate => optimizer.ParamGroups.Single().LearningRate;

    /// <summary>The rate after attaching (step 0) and after each of <paramref name="steps"/> further steps.</summary>
    private List<double> Run(IReadOnlyList<ParamScheduler> schedulers, int steps, int maxEpochs = 100, int maxIterations = 1000, int epochLength = 10)
    {
        foreach (var scheduler in schedulers)
        {
            scheduler.Attach(optimizer, maxEpochs, maxIterations, epochLength);
        }

        var rates = new List<double> { Rate };
        for (var i = 0; i < steps; i++)
        {
            foreach (var scheduler in schedulers)
            {
                scheduler.Step();
            }

            rates.Add(Rate);
        }

        return rates;
    }

    private static ParamScheduler Bind(string json) =>
        (ParamScheduler)new ConfigBinder(TinyExperiment.Catalog).BindComponentJson(json, typeof(ParamScheduler)).BuildComponent();

    /// <summary>The rate and momentum over 25 steps of a run of 6 epochs of 3 iterations, on an SGD of its own.</summary>
    private static (List<double> Rates, List<double> Momenta) RunOnSgd(ParamScheduler scheduler)
    {
        using var own = new Parameter(torch.zeros(1));
        using var sgd = optim.SGD([own], 1.0, momentum: 0.9);
        var group = sgd.ParamGroups.Single();
        scheduler.Attach(sgd, maxEpochs: 6, maxIterations: 18, epochLength: 3);
        var rates = new List<double> { group.LearningRate };
        var momenta = new List<double> { ((optim.IMomentum)group).Momentum };
        for (var i = 0; i < 25; i++)
        {
            scheduler.Step();
            rates.Add(group.LearningRate);
            momenta.Add(((optim.IMomentum)group).Momentum);
        }

        return (rates, momenta);
    }

    private static void AssertRates(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < Tolerance, $"step {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void LinearLR_warms_up_linearly_then_holds()
    {
        // total_iters = end - begin - 1 = 4: factors 0.5, 0.625, 0.75, 0.875, 1.0.
        var rates = Run([new LinearLR(startFactor: 0.5, endFactor: 1.0, begin: 0, end: 5, byEpoch: false)], steps: 6);

        AssertRates([0.5, 0.625, 0.75, 0.875, 1.0, 1.0, 1.0], rates);
    }

    [Fact]
    public void MultiStepLR_decays_at_each_milestone()
    {
        var rates = Run([new MultiStepLR(milestones: [2, 4], gamma: 0.1)], steps: 5);

        AssertRates([1.0, 1.0, 0.1, 0.1, 0.01, 0.01], rates);
    }

    [Fact]
    public void A_repeated_milestone_decays_twice()
    {
        var rates = Run([new MultiStepLR(milestones: [1, 1], gamma: 0.5)], steps: 2);

        AssertRates([1.0, 0.25, 0.25], rates);
    }

    [Fact]
    public void StepLR_decays_every_step_size()
    {
        var rates = Run([new StepLR(stepSize: 2, gamma: 0.5)], steps: 5);

        AssertRates([1.0, 1.0, 0.5, 0.5, 0.25, 0.25], rates);
    }

    [Fact]
    public void CosineAnnealingLR_follows_half_a_cosine()
    {
        // 0.5 * (1 + cos(pi * t / 4)) for t = 0..4, then held after end.
        var rates = Run([new CosineAnnealingLR(tMax: 4, etaMin: 0, end: 5)], steps: 6);

        AssertRates([1.0, 0.5 + (0.5 * Math.Cos(Math.PI / 4)), 0.5, 0.5 - (0.5 * Math.Cos(Math.PI / 4)), 0.0, 0.0, 0.0], rates);
    }

    [Fact]
    public void CosineAnnealingLR_respects_eta_min_and_rises_again_after_t_max()
    {
        var rates = Run([new CosineAnnealingLR(tMax: 2, etaMin: 0.2, end: 10)], steps: 4);

        // t = 0, 1, 2: 1.0, 0.6, 0.2; t = 3 climbs back as SGDR's cosine does: 0.2 + 0.8 * (1 - cos(pi / 2)) / 2 = 0.6; t = 4: 1.0.
        AssertRates([1.0, 0.6, 0.2, 0.6, 1.0], rates);
    }

    [Fact]
    public void CosineAnnealingLR_without_t_max_spans_begin_to_the_run_end()
    {
        var scheduler = new CosineAnnealingLR(etaMinRatio: 0.1);

        var rates = Run([scheduler], steps: 4, maxEpochs: 4);

        Assert.Equal(4, scheduler.TMax);
        Assert.Equal(4, scheduler.End);
        AssertRates([1.0, 0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI / 4))), 0.55, 0.1 + (0.9 * 0.5 * (1 + Math.Cos(3 * Math.PI / 4))), 0.1 + (0.9 * 0.5 * (1 + Math.Cos(3 * Math.PI / 4)))], rates);
    }

    [Fact]
    public void A_warm_up_chained_with_multi_step_multiplies_their_factors()
    {
        // Linear factors 0.5, 0.75, 1.0 over [0, 3); the milestone at 2 multiplies by 0.1.
        var rates = Run([new LinearLR(startFactor: 0.5, begin: 0, end: 3, byEpoch: false), new MultiStepLR(milestones: [2], gamma: 0.1, byEpoch: false)], steps: 4);

        AssertRates([0.5, 0.75, 0.1, 0.1, 0.1], rates);
    }

    [Fact]
    public void Warm_up_then_cosine_over_consecutive_ranges()
    {
        // mmpretrain's usual pair: LinearLR over [0, 2), cosine over [2, 6) with T_max 4.
        var rates = Run([new LinearLR(startFactor: 0.25, begin: 0, end: 2, byEpoch: false), new CosineAnnealingLR(begin: 2, end: 6, byEpoch: false, tMax: 4)], steps: 6);

        AssertRates([0.25, 1.0, 1.0, 0.5 + (0.5 * Math.Cos(Math.PI / 4)), 0.5, 0.5 - (0.5 * Math.Cos(Math.PI / 4)), 0.5 - (0.5 * Math.Cos(Math.PI / 4))], rates);
    }

    [Fact]
    public void Convert_to_iter_based_scales_milestones_and_range_by_the_epoch_length()
    {
        var scheduler = new MultiStepLR(milestones: [1], gamma: 0.1, byEpoch: true, convertToIterBased: true);

        var rates = Run([scheduler], steps: 4, epochLength: 3);

        Assert.False(scheduler.ByEpoch);
        Assert.Equal([3], scheduler.Milestones);
        Assert.Equal(300, scheduler.End);
        AssertRates([1.0, 1.0, 1.0, 0.1, 0.1], rates);
    }

    [Fact]
    public void The_default_end_is_the_run_length_in_the_scheduler_unit()
    {
        var byEpoch = new LinearLR();
        var byIteration = new LinearLR(byEpoch: false);

        byEpoch.Attach(optimizer, maxEpochs: 7, maxIterations: 70, epochLength: 10);
        using var second = optim.SGD([parameter], 1.0);
        byIteration.Attach(second, maxEpochs: 7, maxIterations: 70, epochLength: 10);

        Assert.Equal(7, byEpoch.End);
        Assert.Equal(70, byIteration.End);
    }

    [Fact]
    public void State_round_trips_the_counters()
    {
        var first = new MultiStepLR(milestones: [3], gamma: 0.5);
        Run([first], steps: 2);
        var state = first.StateDict();

        using var other = optim.SGD([parameter], 1.0);
        var second = new MultiStepLR(milestones: [3], gamma: 0.5);
        second.Attach(other, 100, 1000, 10);
        second.LoadStateDict(state);
        second.Step();

        Assert.Equal(3, second.LastStep);
        Assert.Equal(0.5, other.ParamGroups.Single().LearningRate, 12);
    }

    [Fact]
    public void Bad_ranges_and_factors_are_refused_naming_the_member()
    {
        Assert.Equal("end", Assert.Throws<ConfigValueException>(() => new LinearLR(begin: 5, end: 5)).Member);
        Assert.Equal("start_factor", Assert.Throws<ConfigValueException>(() => new LinearLR(startFactor: 0)).Member);
        Assert.Equal("milestones[1]", Assert.Throws<ConfigValueException>(() => new MultiStepLR(milestones: [4, 2])).Member);
        Assert.Equal("eta_min_ratio", Assert.Throws<ConfigValueException>(() => new CosineAnnealingLR(etaMin: 0, etaMinRatio: 0.1)).Member);
        Assert.Equal("convert_to_iter_based", Assert.Throws<ConfigValueException>(() => new StepLR(stepSize: 1, byEpoch: false, convertToIterBased: true)).Member);
    }

    public static TheoryData<string, string> EpochSchedulesAndTheirIterationForms => new()
    {
        // An epoch is 3 iterations and the run 6 epochs: begin, end, and the schedule's own step counts scale by 3.
        { """{"type": "StepLR", "step_size": 2, "gamma": 0.5, "begin": 1, "end": 5}""", """{"type": "StepLR", "step_size": 6, "gamma": 0.5, "begin": 3, "end": 15}""" },
        { """{"type": "MultiStepLR", "milestones": [1, 3], "gamma": 0.5}""", """{"type": "MultiStepLR", "milestones": [3, 9], "gamma": 0.5, "end": 18}""" },
        { """{"type": "CosineAnnealingLR", "t_max": 2, "eta_min": 0.1, "begin": 1, "end": 5}""", """{"type": "CosineAnnealingLR", "t_max": 6, "eta_min": 0.1, "begin": 3, "end": 15}""" },
        { """{"type": "CosineAnnealingLR", "eta_min_ratio": 0.1, "begin": 2}""", """{"type": "CosineAnnealingLR", "t_max": 12, "eta_min_ratio": 0.1, "begin": 6, "end": 18}""" },
        { """{"type": "LinearLR", "start_factor": 0.5, "end": 2}""", """{"type": "LinearLR", "start_factor": 0.5, "end": 6}""" },
        { """{"type": "ConstantLR", "factor": 0.5, "begin": 1, "end": 3}""", """{"type": "ConstantLR", "factor": 0.5, "begin": 3, "end": 9}""" },
        { """{"type": "ExponentialLR", "gamma": 0.9, "begin": 1}""", """{"type": "ExponentialLR", "gamma": 0.9, "begin": 3, "end": 18}""" },
        { """{"type": "PolyLR", "eta_min": 0.01, "power": 2, "end": 4}""", """{"type": "PolyLR", "eta_min": 0.01, "power": 2, "end": 12}""" },
        { """{"type": "OneCycleLR", "eta_max": 2, "total_steps": 4, "end": 4, "cycle_momentum": true}""", """{"type": "OneCycleLR", "eta_max": 2, "total_steps": 12, "end": 12, "cycle_momentum": true}""" },
        { """{"type": "CosineRestartLR", "periods": [1, 2], "restart_weights": [1, 0.5], "eta_min": 0}""", """{"type": "CosineRestartLR", "periods": [3, 6], "restart_weights": [1, 0.5], "eta_min": 0, "end": 18}""" },
        { """{"type": "StepMomentum", "step_size": 2, "gamma": 0.5, "begin": 1, "end": 5}""", """{"type": "StepMomentum", "step_size": 6, "gamma": 0.5, "begin": 3, "end": 15}""" },
        { """{"type": "MultiStepMomentum", "milestones": [1, 3], "gamma": 0.5}""", """{"type": "MultiStepMomentum", "milestones": [3, 9], "gamma": 0.5, "end": 18}""" },
        { """{"type": "CosineAnnealingMomentum", "t_max": 2, "eta_min": 0.5, "begin": 1, "end": 5}""", """{"type": "CosineAnnealingMomentum", "t_max": 6, "eta_min": 0.5, "begin": 3, "end": 15}""" },
        { """{"type": "LinearMomentum", "start_factor": 0.5, "end": 2}""", """{"type": "LinearMomentum", "start_factor": 0.5, "end": 6}""" },
        { """{"type": "ConstantMomentum", "factor": 0.5, "begin": 1, "end": 3}""", """{"type": "ConstantMomentum", "factor": 0.5, "begin": 3, "end": 9}""" },
        { """{"type": "ExponentialMomentum", "gamma": 0.9, "begin": 1}""", """{"type": "ExponentialMomentum", "gamma": 0.9, "begin": 3, "end": 18}""" },
        { """{"type": "PolyMomentum", "power": 2, "end": 4}""", """{"type": "PolyMomentum", "power": 2, "end": 12}""" },
        { """{"type": "CosineRestartMomentum", "periods": [1, 2], "restart_weights": [1, 0.5], "eta_min_ratio": 0.5}""", """{"type": "CosineRestartMomentum", "periods": [3, 6], "restart_weights": [1, 0.5], "eta_min_ratio": 0.5, "end": 18}""" },
    };

    [Theory]
    [MemberData(nameof(EpochSchedulesAndTheirIterationForms))]
    public void Convert_to_iter_based_gives_the_schedule_written_in_iterations(string epochBased, string iterationBased)
    {
        var converted = Bind(epochBased[..^1] + ", \"by_epoch\": true, \"convert_to_iter_based\": true}");
        var written = Bind(iterationBased[..^1] + ", \"by_epoch\": false}");

        var (convertedRates, convertedMomenta) = RunOnSgd(converted);
        var (writtenRates, writtenMomenta) = RunOnSgd(written);

        Assert.False(converted.ByEpoch);
        Assert.Equal((written.Begin, written.End), (converted.Begin, converted.End));
        Assert.Equal(writtenRates, convertedRates);
        Assert.Equal(writtenMomenta, convertedMomenta);
    }

    [Fact]
    public void An_iteration_based_run_refuses_epoch_schedules_it_cannot_step()
    {
        // mmengine counts an iteration-based run as one epoch: an epoch-based scheduler would step once, after the last iteration.
        var unconverted = Assert.Throws<ConfigValueException>(() => new CosineAnnealingLR().Attach(optimizer, maxEpochs: null, maxIterations: 50, epochLength: 10));
        var endless = Assert.Throws<ConfigValueException>(() => new CosineAnnealingLR(convertToIterBased: true).Attach(optimizer, maxEpochs: null, maxIterations: 50, epochLength: 10));
        var converted = new CosineAnnealingLR(end: 2, convertToIterBased: true);
        converted.Attach(optimizer, maxEpochs: null, maxIterations: 50, epochLength: 10);
        using var other = optim.SGD([parameter], 1.0);
        var byIteration = new CosineAnnealingLR(byEpoch: false);
        byIteration.Attach(other, maxEpochs: null, maxIterations: 50, epochLength: 10);

        Assert.Equal("by_epoch", unconverted.Member);
        Assert.Equal("end", endless.Member);
        Assert.Equal((0, 20), (converted.Begin, converted.End));
        Assert.Equal(50, byIteration.End);
    }

    [Fact]
    public void Bad_values_of_the_new_schedulers_are_refused_naming_the_member()
    {
        Assert.Equal("factor", Assert.Throws<ConfigValueException>(() => new ConstantLR(factor: 0)).Member);
        Assert.Equal("power", Assert.Throws<ConfigValueException>(() => new PolyLR(power: -1)).Member);
        Assert.Equal("gamma", Assert.Throws<ConfigValueException>(() => new ExponentialMomentum(gamma: double.NaN)).Member);
        Assert.Equal("restart_weights", Assert.Throws<ConfigValueException>(() => new CosineRestartLR(periods: [2, 2], etaMin: 0)).Member);
        Assert.Equal("periods[1]", Assert.Throws<ConfigValueException>(() => new CosineRestartLR(periods: [2, 0], restartWeights: [1, 1], etaMin: 0)).Member);
        Assert.Equal("eta_min", Assert.Throws<ConfigValueException>(() => new CosineRestartMomentum(periods: [2])).Member);
        Assert.Equal("eta_min_ratio", Assert.Throws<ConfigValueException>(() => new CosineRestartLR(periods: [2], etaMin: 0, etaMinRatio: 0.1)).Member);
        Assert.Equal("anneal_strategy", Assert.Throws<ConfigValueException>(() => new OneCycleLR(etaMax: [1], annealStrategy: "cosine")).Member);
        Assert.Equal("pct_start", Assert.Throws<ConfigValueException>(() => new OneCycleLR(etaMax: [1], pctStart: 1.5)).Member);
    }

    [Fact]
    public void A_run_shorter_than_begin_is_refused_when_attached()
    {
        var scheduler = new CosineAnnealingLR(begin: 10);

        var error = Assert.Throws<ConfigValueException>(() => scheduler.Attach(optimizer, maxEpochs: 5, maxIterations: 50, epochLength: 10));

        Assert.Equal("end", error.Member);
    }
}
