using System.Text.Json;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Schedulers;

/// <summary>
/// Schedules that read validation results or differ between parameter groups, bound from
/// mmengine-style JSON, against <c>Fixtures/Schedulers/plateau_and_groups.json</c>
/// (<c>tools/fixtures/make_scheduler_group_fixtures.py</c>): ReduceOnPlateauLR against torch 1.13's
/// <c>ReduceLROnPlateau</c> fed the same metrics, and OneCycleLR with one <c>eta_max</c> per group
/// against torch's <c>OneCycleLR(max_lr=[...])</c>.
/// </summary>
public sealed class PlateauAndGroupScheduleParityTests
{
    private const double Tolerance = 1e-12;

    private static readonly Lazy<JsonElement> Fixture = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.Folder("Schedulers"), "plateau_and_groups.json")));
        return document.RootElement.Clone();
    });

    public static TheoryData<string> PlateauCases => [.. Names("plateau")];

    public static TheoryData<string> OneCycleCases => [.. Names("one_cycle")];

    [Theory]
    [MemberData(nameof(PlateauCases))]
    public void ReduceOnPlateauLR_follows_torch_ReduceLROnPlateau(string name)
    {
        var entry = Case("plateau", name);
        var (optimizer, parameters) = SgdWithGroups(entry);
        using var disposeOptimizer = optimizer;
        var scheduler = Bind(entry.GetProperty("param_scheduler"));
        var monitor = entry.GetProperty("param_scheduler").GetProperty("monitor").GetString()!;
        scheduler.Attach(optimizer, maxEpochs: 100, maxIterations: 1000, epochLength: 10);

        var epoch = 0;
        foreach (var (metric, expected) in entry.GetProperty("metrics").EnumerateArray().Zip(entry.GetProperty("lr").EnumerateArray()))
        {
            // As the runner: the epoch's step counts, then the validation's metrics act.
            scheduler.Step();
            scheduler.Step(new Dictionary<string, double> { [monitor] = metric.GetDouble(), ["other"] = -1 });
            AssertRates(expected, optimizer, $"{name}, validation {++epoch}");
        }

        DisposeAll(parameters);
    }

    [Theory]
    [MemberData(nameof(OneCycleCases))]
    public void OneCycleLR_with_eta_max_per_group_follows_torch(string name)
    {
        var entry = Case("one_cycle", name);
        var (optimizer, parameters) = SgdWithGroups(entry);
        using var disposeOptimizer = optimizer;
        var scheduler = Bind(entry.GetProperty("param_scheduler"));
        scheduler.Attach(optimizer, maxEpochs: null, maxIterations: 1000, epochLength: 10);

        var expected = entry.GetProperty("lr").EnumerateArray().ToList();
        AssertRates(expected[0], optimizer, $"{name}, after attaching");
        for (var step = 1; step < expected.Count; step++)
        {
            scheduler.Step();
            AssertRates(expected[step], optimizer, $"{name}, step {step}");
        }

        DisposeAll(parameters);
    }

    private static IEnumerable<string> Names(string kind) => Fixture.Value.GetProperty(kind).EnumerateArray().Select(entry => entry.GetProperty("name").GetString()!);

    private static JsonElement Case(string kind, string name) => Fixture.Value.GetProperty(kind).EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);

    private static ParamScheduler Bind(JsonElement config) =>
        (ParamScheduler)new ConfigBinder(TinyExperiment.Catalog).BindComponentJson(config.GetRawText(), typeof(ParamScheduler)).BuildComponent();

    // torch's side: SGD with momentum 0.9 and one parameter per group, each group with its own rate.
    private static (optim.Optimizer Optimizer, List<Parameter> Parameters) SgdWithGroups(JsonElement entry)
    {
        var rates = entry.GetProperty("initial_lr").EnumerateArray().Select(rate => rate.GetDouble()).ToList();
        var builder = (OptimizerBuilder)new ConfigBinder(TinyExperiment.Catalog).BindComponentJson("""{"type": "SGD", "lr": 0.1, "momentum": 0.9}""", typeof(OptimizerBuilder)).BuildComponent();
        var parameters = rates.Select(_ => new Parameter(zeros(1))).ToList();
        var groups = rates.Select((rate, index) => new ParameterGroup([($"p{index}", parameters[index])], rate, builder.WeightDecay)).ToList();
        return (builder.Create(groups), parameters);
    }

    private static void AssertRates(JsonElement expected, optim.Optimizer optimizer, string where)
    {
        var wanted = expected.EnumerateArray().Select(rate => rate.GetDouble()).ToList();
        var actual = optimizer.ParamGroups.Select(group => group.LearningRate).ToList();
        Assert.Equal(wanted.Count, actual.Count);
        for (var i = 0; i < wanted.Count; i++)
        {
            Assert.True(Math.Abs(wanted[i] - actual[i]) <= Tolerance, $"{where}, group {i}: expected {wanted[i]:R}, got {actual[i]:R}");
        }
    }

    private static void DisposeAll(List<Parameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            parameter.Dispose();
        }
    }
}
