using System.Text.Json;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Evaluation;

/// <summary>
/// SingleLabelMetric against <c>Fixtures/Evaluation/single_label_metrics.json</c>, written by
/// <c>tools/fixtures/make_single_label_metric_fixtures.py</c>: float64 references computed with
/// numpy alone from mmpretrain's definitions (scikit-learn is not needed), under mmpretrain's
/// names. The data have a class never among the labels (4), a class never predicted (3) and a best
/// score equal to a threshold.
/// </summary>
public sealed class SingleLabelMetricTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("Evaluation", "single_label_metrics.json"))).RootElement);

    public static TheoryData<int> ScoreCases() => [.. Enumerable.Range(0, Fixture.Value.GetProperty("single_label_cases").GetArrayLength())];

    public static TheoryData<int> LabelCases() => [.. Enumerable.Range(0, Fixture.Value.GetProperty("label_cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(ScoreCases))]
    public void Matches_the_reference_from_scores(int index)
    {
        var fixture = Fixture.Value.GetProperty("single_label_cases")[index];
        var metric = new SingleLabelMetric(
            thrs: [.. fixture.GetProperty("thrs").EnumerateArray().Select(value => value.ValueKind == JsonValueKind.Null ? (double?)null : value.GetDouble())],
            items: [.. fixture.GetProperty("items").EnumerateArray().Select(value => value.GetString()!)],
            average: fixture.GetProperty("average").ValueKind == JsonValueKind.Null ? null : fixture.GetProperty("average").GetString());
        using var scores = Scores();
        using var labels = Labels();

        metric.Process(scores[..10], labels[..10]);
        metric.Process(scores[10..], labels[10..]);

        AssertMatches(fixture.GetProperty("expected"), metric);
    }

    [Theory]
    [MemberData(nameof(LabelCases))]
    public void Matches_the_reference_from_predicted_labels(int index)
    {
        var fixture = Fixture.Value.GetProperty("label_cases")[index];
        var metric = new SingleLabelMetric(
            items: [.. fixture.GetProperty("items").EnumerateArray().Select(value => value.GetString()!)],
            average: fixture.GetProperty("average").ValueKind == JsonValueKind.Null ? null : fixture.GetProperty("average").GetString(),
            numClasses: fixture.GetProperty("num_classes").GetInt32());
        using var predicted = tensor(Fixture.Value.GetProperty("predicted_labels").EnumerateArray().Select(value => value.GetInt64()).ToArray());
        using var labels = Labels();

        metric.Process(predicted, labels);

        AssertMatches(fixture.GetProperty("expected"), metric);
    }

    [Fact]
    public void A_best_score_equal_to_the_threshold_does_not_count()
    {
        // Sample 0 of the fixture: best score 0.5 for class 0, its label.
        using var scores = tensor(new float[] { 0.5f, 0.25f, 0.125f }).reshape(1, 3);
        using var label = tensor(new long[] { 0 });

        var atThreshold = SingleLabelMetric.Calculate(scores, label, thrs: [0.5], average: "micro")[0];
        var below = SingleLabelMetric.Calculate(scores, label, thrs: [0.49], average: "micro")[0];

        Assert.Equal(0, atThreshold.Precision[0]);
        Assert.Equal(100, below.Precision[0]);
    }

    [Fact]
    public void Default_items_and_average_give_mmpretrains_three_names()
    {
        var metric = new SingleLabelMetricConfig().Build();
        using var scores = Scores();
        using var labels = Labels();
        metric.Process(scores, labels);

        Assert.Equal(["single-label/precision", "single-label/recall", "single-label/f1-score"], metric.Compute().Keys);
        Assert.Empty(metric.ComputeArrays());
        Assert.Equal("metric", SingleLabelMetricConfig.Descriptor.Kind);
    }

    [Fact]
    public void Per_class_values_are_arrays_not_numbers()
    {
        var metric = new SingleLabelMetric(average: null, items: ["support"]);
        using var scores = Scores();
        using var labels = Labels();
        metric.Process(scores, labels);

        Assert.Empty(metric.Compute());
        var support = Assert.IsType<double[]>(Assert.Single(metric.ComputeArrays(), pair => pair.Key == "single-label/support_classwise").Value);
        Assert.Equal(Fixture.Value.GetProperty("labels").GetArrayLength(), support.Sum());
    }

    [Fact]
    public void Bad_values_name_their_key()
    {
        Assert.Equal("average", Assert.Throws<ConfigValueException>(() => new SingleLabelMetric(average: "weighted")).Member);
        Assert.Equal("items[1]", Assert.Throws<ConfigValueException>(() => new SingleLabelMetric(items: ["precision", "accuracy"])).Member);
        Assert.Equal("items", Assert.Throws<ConfigValueException>(() => new SingleLabelMetric(items: [])).Member);
        Assert.Equal("thrs", Assert.Throws<ConfigValueException>(() => new SingleLabelMetric(thrs: [])).Member);
        Assert.Equal("num_classes", Assert.Throws<ConfigValueException>(() => new SingleLabelMetric(numClasses: 0)).Member);
    }

    [Fact]
    public void Labels_without_num_classes_are_refused()
    {
        var metric = new SingleLabelMetric();
        using var predicted = tensor(new long[] { 0, 1 });
        using var labels = tensor(new long[] { 0, 0 });

        var error = Assert.Throws<ArgumentException>(() => metric.Process(predicted, labels));

        Assert.Contains("num_classes", error.Message, StringComparison.Ordinal);
    }

    private static void AssertMatches(JsonElement expected, SingleLabelMetric metric)
    {
        var numbers = metric.Compute();
        var arrays = metric.ComputeArrays();
        var names = expected.EnumerateObject().Select(property => property.Name).ToList();
        Assert.Equal(names, numbers.Count > 0 ? numbers.Keys : arrays.Keys);
        foreach (var property in expected.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                var actual = Assert.IsType<double[]>(arrays[property.Name]);
                var reference = property.Value.EnumerateArray().Select(value => value.GetDouble()).ToArray();
                Assert.Equal(reference.Length, actual.Length);
                for (var c = 0; c < reference.Length; c++)
                {
                    Assert.Equal(reference[c], actual[c], 1e-9);
                }
            }
            else
            {
                Assert.Equal(property.Value.GetDouble(), numbers[property.Name], 1e-9);
            }
        }
    }

    private static Tensor Scores()
    {
        var rows = Fixture.Value.GetProperty("scores").EnumerateArray().Select(row => row.EnumerateArray().Select(value => (float)value.GetDouble()).ToArray()).ToArray();
        return tensor(rows.SelectMany(row => row).ToArray()).reshape(rows.Length, rows[0].Length);
    }

    private static Tensor Labels() => tensor(Fixture.Value.GetProperty("labels").EnumerateArray().Select(value => value.GetInt64()).ToArray());
}
