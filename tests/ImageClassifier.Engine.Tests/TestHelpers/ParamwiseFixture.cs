using System.Globalization;
using System.Text.Json;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Fixtures/Optimizers/paramwise.json (tools/fixtures/make_optimizer_fixtures.py): for several
/// <c>constructor</c> / <c>paramwise_cfg</c> settings, the learning rate and weight decay of every
/// trainable parameter of a ResNet-50 classifier, computed in Python with mmengine's and
/// mmpretrain's rules over torchvision's resnet50 under mmpretrain's names.
/// <see cref="AssertMatches"/> reads the same settings as a config and compares the groups the
/// engine makes for the zoo's ResNet-50.
/// </summary>
internal static class ParamwiseFixture
{
    private static readonly Lazy<JsonElement> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.Folder("Optimizers"), "paramwise.json"))).RootElement);

    /// <summary>The names of the cases of <paramref name="constructor"/>.</summary>
    public static TheoryData<string> CaseNames(string constructor) =>
        [.. Cases().Where(@case => @case.GetProperty("constructor").GetString() == constructor).Select(@case => @case.GetProperty("name").GetString()!)];

    /// <summary>Requires the engine's groups to give every parameter the fixture's learning rate and weight decay, and no other parameter to be trained.</summary>
    public static void AssertMatches(string caseName)
    {
        var @case = Cases().Single(candidate => candidate.GetProperty("name").GetString() == caseName);
        var lr = @case.GetProperty("lr").GetDouble();
        var weightDecay = @case.GetProperty("weight_decay").GetDouble();
        using var experiment = new TinyExperiment();
        var run = experiment.Read(
            $"model.backbone={{\"_delete_\": true, \"type\": \"ResNet\", \"depth\": 50, \"in_channels\": 1, \"frozen_stages\": {@case.GetProperty("frozen_stages").GetInt32()}}}",
            "model.head.in_channels=2048",
            $"optim_wrapper.optimizer={{\"_delete_\": true, \"type\": \"SGD\", \"lr\": {Json(lr)}, \"weight_decay\": {Json(weightDecay)}}}",
            $"optim_wrapper.constructor={@case.GetProperty("constructor").GetString()}",
            $"optim_wrapper.paramwise_cfg={@case.GetProperty("paramwise_cfg").GetRawText()}");
        using var model = run.BuildModel();

        var groups = run.GroupParameters(model, run.BuildOptimizer());

        var actual = groups.SelectMany(group => group.Names.Select(name => (Name: name, group.LearningRate, group.WeightDecay))).ToDictionary(entry => entry.Name);
        var expected = @case.GetProperty("expected").EnumerateObject().ToDictionary(entry => entry.Name, entry => (LearningRate: entry.Value[0].GetDouble(), WeightDecay: entry.Value[1].GetDouble()));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, (expectedLr, expectedWd)) in expected)
        {
            // Products of the same doubles; only a power (layer_decay_rate) may round differently in Python.
            Assert.True(Math.Abs(actual[name].LearningRate - expectedLr) <= 1e-15 * expectedLr, $"{name}: lr {actual[name].LearningRate:R}, expected {expectedLr:R}");
            Assert.True(actual[name].WeightDecay == expectedWd, $"{name}: weight_decay {actual[name].WeightDecay:R}, expected {expectedWd:R}");
        }

        // Each group holds every parameter with its pair, so no two groups share one.
        Assert.Equal(groups.Count, groups.Select(group => (group.LearningRate, group.WeightDecay)).Distinct().Count());
    }

    private static IEnumerable<JsonElement> Cases() => Document.Value.GetProperty("cases").EnumerateArray();

    private static string Json(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
