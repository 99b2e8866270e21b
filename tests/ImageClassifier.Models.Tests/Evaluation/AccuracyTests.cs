using System.Text.Json;
using ImageClassifier.Models.Evaluation;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Evaluation;

public sealed class AccuracyTests
{
    // Four samples, three classes; the true class ranks 1st (score 0.7), 2nd (0.3), 2nd (0.15), 3rd (0.25).
    private static readonly float[] Scores = [0.7f, 0.2f, 0.1f, 0.3f, 0.6f, 0.1f, 0.05f, 0.15f, 0.8f, 0.4f, 0.35f, 0.25f];
    private static readonly long[] Labels = [0, 0, 1, 2];

    [Fact]
    public void ComputesTheTopKByThresholdTable()
    {
        using var pred = tensor(Scores).reshape(4, 3);
        using var target = tensor(Labels);

        var table = Accuracy.Calculate(pred, target, topk: [1, 2, 3], thrs: [0.0, 0.2, null]);

        Assert.Equal(
            new double[,] { { 25, 25, 25 }, { 75, 50, 75 }, { 100, 75, 100 } },
            table);
    }

    [Fact]
    public void DefaultsToTopOneAboveZero()
    {
        using var pred = tensor(new float[] { -0.5f, -1.0f, 0.2f, 0.1f }).reshape(2, 2);
        using var target = tensor(new long[] { 0, 0 });

        // Sample 0 is right but its score is not above 0.
        Assert.Equal(new double[,] { { 50 } }, Accuracy.Calculate(pred, target));
        Assert.Equal(new double[,] { { 100 } }, Accuracy.Calculate(pred, target, thrs: [null]));
    }

    [Fact]
    public void ComparesLabelsDirectlyIgnoringTopKAndThresholds()
    {
        using var pred = tensor(new long[] { 0, 2, 1, 3 });
        using var target = tensor(new long[] { 0, 1, 2, 3 });

        Assert.Equal(new double[,] { { 50 } }, Accuracy.Calculate(pred, target, topk: [1, 5], thrs: [0.9]));
    }

    [Fact]
    public void NamesKAndTheClassCountWhenKIsTooLarge()
    {
        using var pred = tensor(Scores).reshape(4, 3);
        using var target = tensor(Labels);

        var error = Assert.Throws<ArgumentException>(() => Accuracy.Calculate(pred, target, topk: [1, 5]));

        Assert.StartsWith("Top-5 accuracy is unavailable since the number of categories is 3.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesPredictionsAndTargetsOfDifferentSizes()
    {
        using var pred = tensor(Scores).reshape(4, 3);
        using var target = tensor(new long[] { 0, 1 });

        var error = Assert.Throws<ArgumentException>(() => Accuracy.Calculate(pred, target));

        Assert.Contains("The size of pred (4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AccumulatesBatchesUnderPrefixedNames()
    {
        var metric = new AccuracyConfig { Topk = [1, 2] }.Build();
        ProcessInTwoBatches(metric);

        var values = metric.Compute();

        Assert.Equal(4, metric.SampleCount);
        Assert.Equal(["accuracy/top1", "accuracy/top2"], values.Keys);
        Assert.Equal(25, values["accuracy/top1"], 6);
        Assert.Equal(75, values["accuracy/top2"], 6);
    }

    [Fact]
    public void SuffixesEachThresholdWhenThereAreSeveral()
    {
        var metric = new Accuracy(topk: [2], thrs: [0.0, 0.2, null], prefix: "val");
        ProcessInTwoBatches(metric);

        var values = metric.Compute();

        Assert.Equal(["val/top2_thr-0.00", "val/top2_thr-0.20", "val/top2_no-thr"], values.Keys);
        Assert.Equal([75.0, 50.0, 75.0], values.Values);
    }

    [Fact]
    public void ReportsTopOneFromPredictedLabels()
    {
        var metric = new Accuracy(topk: [1, 5]);
        using var first = tensor(new long[] { 0, 2 });
        using var second = tensor(new long[] { 1, 3 });
        using var firstTargets = tensor(new long[] { 0, 1 });
        using var secondTargets = tensor(new long[] { 2, 3 });
        metric.Process(first, firstTargets);
        metric.Process(second, secondTargets);

        Assert.Equal(new Dictionary<string, double> { ["accuracy/top1"] = 50 }, metric.Compute());

        using var scores = tensor(Scores).reshape(4, 3);
        Assert.Throws<ArgumentException>(() => metric.Process(scores, tensor(Labels)));
    }

    [Fact]
    public void PointsAtTheConfigWhenKIsTooLarge()
    {
        var metric = new Accuracy(topk: [1, 5]);
        ProcessInTwoBatches(metric);

        var error = Assert.Throws<ArgumentException>(() => metric.Compute());

        Assert.Contains("Top-5 accuracy is unavailable since the number of categories is 3.", error.Message, StringComparison.Ordinal);
        Assert.Contains("val_evaluator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartsOverAfterReset()
    {
        var metric = new Accuracy();
        ProcessInTwoBatches(metric);

        metric.Reset();

        Assert.Equal(0, metric.SampleCount);
        Assert.Throws<InvalidOperationException>(() => metric.Compute());
    }

    [Fact]
    public void KeepsItsOwnCopyOfEachBatch()
    {
        var metric = new Accuracy();
        using (NewDisposeScope())
        {
            var scores = tensor(Scores).reshape(4, 3);
            var target = tensor(Labels);
            metric.Process(scores, target);
            scores.fill_(0);
        }

        Assert.Equal(25, metric.Compute()["accuracy/top1"], 6);
    }

    [Fact]
    public void BindsValEvaluatorConfigs()
    {
        var config = JsonSerializer.Deserialize<AccuracyConfig>("""{"topk": [1, 5], "thrs": [0.5, null]}""")!;

        Assert.Equal("Accuracy", config.TypeName);
        Assert.Equal("metric", AccuracyConfig.Descriptor.Kind);
        Assert.Equal([1, 5], config.Topk!);
        Assert.Equal([0.5, null], config.Thrs);
        var metric = config.Build();
        Assert.Equal([1, 5], metric.Topk);
        Assert.Equal("accuracy", metric.Prefix);
        Assert.Equal([0.0], new AccuracyConfig().Thrs);
    }

    private static void ProcessInTwoBatches(Metric metric)
    {
        using var scores = tensor(Scores).reshape(4, 3);
        using var target = tensor(Labels);
        metric.Process(scores[..2], target[..2]);
        metric.Process(scores[2..], target[2..]);
    }
}
