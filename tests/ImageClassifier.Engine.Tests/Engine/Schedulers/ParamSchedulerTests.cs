using ImageClassifier.Engine.Schedulers;
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

    [Fact]
    public void A_run_shorter_than_begin_is_refused_when_attached()
    {
        var scheduler = new CosineAnnealingLR(begin: 10);

        var error = Assert.Throws<ConfigValueException>(() => scheduler.Attach(optimizer, maxEpochs: 5, maxIterations: 50, epochLength: 10));

        Assert.Equal("end", error.Member);
    }
}
