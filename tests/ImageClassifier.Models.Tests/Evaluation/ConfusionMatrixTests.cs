using System.Text.Json;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Evaluation;

/// <summary>
/// ConfusionMatrix against the counts of <c>Fixtures/Evaluation/single_label_metrics.json</c>
/// (<c>tools/fixtures/make_single_label_metric_fixtures.py</c>, numpy): a row for a class never
/// predicted and a column for a class never among the labels included.
/// </summary>
public sealed class ConfusionMatrixTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("Evaluation", "single_label_metrics.json"))).RootElement);

    [Fact]
    public void Counts_scores_by_true_and_best_class()
    {
        var metric = new ConfusionMatrixConfig().Build();
        using var scores = Scores();
        using var labels = Labels();

        metric.Process(scores[..7], labels[..7]);
        metric.Process(scores[7..], labels[7..]);

        Assert.Empty(metric.Compute());
        var rows = Assert.IsType<long[][]>(Assert.Single(metric.ComputeArrays(), pair => pair.Key == "confusion_matrix/result").Value);
        Assert.Equal(Expected(), rows);
    }

    [Fact]
    public void Counts_predicted_labels_with_num_classes()
    {
        var metric = new ConfusionMatrix(numClasses: Fixture.Value.GetProperty("classes").GetInt32(), prefix: "test");
        using var predicted = tensor(Fixture.Value.GetProperty("predicted_labels").EnumerateArray().Select(value => value.GetInt64()).ToArray());
        using var labels = Labels();

        metric.Process(predicted, labels);

        Assert.Equal(Expected(), Assert.IsType<long[][]>(metric.ComputeArrays()["test/result"]));
    }

    [Fact]
    public void Calculate_matches_the_reference()
    {
        using var scores = Scores();
        using var labels = Labels();

        var counts = ConfusionMatrix.Calculate(scores, labels);

        var expected = Expected();
        for (var row = 0; row < expected.Length; row++)
        {
            for (var column = 0; column < expected[row].Length; column++)
            {
                Assert.Equal(expected[row][column], counts[row, column]);
            }
        }
    }

    [Fact]
    public void Refuses_labels_outside_the_classes_and_labels_without_num_classes()
    {
        using var predicted = tensor(new long[] { 0, 1 });
        using var labels = tensor(new long[] { 0, 2 });

        Assert.Contains("outside the 2 classes", Assert.Throws<ArgumentException>(() => ConfusionMatrix.Calculate(predicted, labels, numClasses: 2)).Message, StringComparison.Ordinal);
        Assert.Contains("num_classes", Assert.Throws<ArgumentException>(() => new ConfusionMatrix().Process(predicted, labels)).Message, StringComparison.Ordinal);
        Assert.Equal("num_classes", Assert.Throws<ConfigValueException>(() => new ConfusionMatrix(numClasses: 0)).Member);
    }

    private static long[][] Expected() =>
        [.. Fixture.Value.GetProperty("confusion_matrix").EnumerateArray().Select(row => row.EnumerateArray().Select(value => value.GetInt64()).ToArray())];

    private static Tensor Scores()
    {
        var rows = Fixture.Value.GetProperty("scores").EnumerateArray().Select(row => row.EnumerateArray().Select(value => (float)value.GetDouble()).ToArray()).ToArray();
        return tensor(rows.SelectMany(row => row).ToArray()).reshape(rows.Length, rows[0].Length);
    }

    private static Tensor Labels() => tensor(Fixture.Value.GetProperty("labels").EnumerateArray().Select(value => value.GetInt64()).ToArray());
}
