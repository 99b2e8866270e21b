using System.Text.Json;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Schedulers;

/// <summary>
/// The learning rate and momentum after attaching and after each step, for schedulers bound from
/// mmengine-style JSON, against <c>Fixtures/Schedulers/schedules.json</c>
/// (<c>tools/fixtures/make_scheduler_fixtures.py</c>). Each case names its reference: torch 1.13's
/// <c>torch.optim.lr_scheduler</c> where torch has the same schedule (OneCycleLR with momentum
/// cycling, PolynomialLR, ExponentialLR, ConstantLR, CosineAnnealingWarmRestarts), torch's LR
/// scheduler of the same formula run on the momentum for the momentum schedulers, and, where torch
/// has no equivalent (eta_min of PolyLR, restart weights, begin/end ranges, the warm-up and cosine
/// pair converted to iterations), the closed forms of mmengine's formulas in float64.
/// </summary>
public sealed class ScheduleParityTests
{
    // Both sides compute in double with no libtorch kernel involved; only the order of operations differs.
    private const double Tolerance = 1e-12;

    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.Folder("Schedulers"), "schedules.json")));
        return document.RootElement.EnumerateArray().ToDictionary(entry => entry.GetProperty("name").GetString()!, entry => entry.Clone());
    });

    public static TheoryData<string> CaseNames => [.. Cases.Value.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Rates_and_momenta_follow_the_reference(string name)
    {
        var entry = Cases.Value[name];
        var binder = new ConfigBinder(TinyExperiment.Catalog);
        var builder = (OptimizerBuilder)binder.BindComponentJson(entry.GetProperty("optimizer").GetRawText(), typeof(OptimizerBuilder)).BuildComponent();
        var schedulers = entry.GetProperty("param_scheduler").EnumerateArray()
            .Select(config => (ParamScheduler)binder.BindComponentJson(config.GetRawText(), typeof(ParamScheduler)).BuildComponent())
            .ToList();
        using var parameter = new Parameter(zeros(1));
        using var optimizer = builder.Create([new ParameterGroup([("p", parameter)], builder.LearningRate, builder.WeightDecay)]);
        var maxEpochs = entry.TryGetProperty("max_epochs", out var epochs) ? epochs.GetInt32() : 100;
        var epochLength = entry.TryGetProperty("epoch_length", out var length) ? length.GetInt32() : 10;
        foreach (var scheduler in schedulers)
        {
            scheduler.Attach(optimizer, maxEpochs, maxIterations: 1000, epochLength);
        }

        var group = optimizer.ParamGroups.Single();
        var rates = new List<double> { group.LearningRate };
        var momenta = new List<double> { MomentumOf(group) };
        for (var step = 0; step < entry.GetProperty("steps").GetInt32(); step++)
        {
            foreach (var scheduler in schedulers)
            {
                scheduler.Step();
            }

            rates.Add(group.LearningRate);
            momenta.Add(MomentumOf(group));
        }

        AssertClose(entry.GetProperty("lr"), rates, "lr", entry);
        AssertClose(entry.GetProperty("momentum"), momenta, "momentum", entry);
    }

    // Read straight from TorchSharp's groups: SGD's momentum, AdamW's beta1.
    private static double MomentumOf(optim.ILearningRateController group) => group switch
    {
        optim.IMomentum sgd => sgd.Momentum,
        optim.IBetas adam => adam.Betas.Item1,
        _ => throw new InvalidOperationException($"{group.GetType().Name} has no momentum."),
    };

    private static void AssertClose(JsonElement expected, List<double> actual, string what, JsonElement entry)
    {
        var values = expected.EnumerateArray().Select(value => value.GetDouble()).ToList();
        Assert.Equal(values.Count, actual.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.True(Math.Abs(values[i] - actual[i]) <= Tolerance, $"{what} after step {i}: expected {values[i]:R}, got {actual[i]:R} ({entry.GetProperty("reference").GetString()})");
        }
    }
}
