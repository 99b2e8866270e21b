using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Logging;

namespace ImageClassifier.Engine.Tests.Engine.Logging;

public sealed class ScalarHistoryTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Reads_training_and_validation_records_in_iteration_order()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "start", "seed": 1, "resumed_from": null}""",
            """{"mode": "train", "epoch": 1, "iter": 4, "epoch_iter": 4, "lr": 0.1, "loss": 2.0, "time": 0.1}""",
            """{"mode": "train", "epoch": 1, "iter": 2, "epoch_iter": 2, "lr": 0.05, "loss": 2.5, "time": 0.1}""",
            """{"mode": "val", "epoch": 1, "iter": 4, "accuracy/top1": 40.5, "accuracy/top5": 90.25, "time_s": 1.5}""",
            """{"mode": "end", "epoch": 1, "iter": 4}""",
        ]);

        Assert.Equal([new TrainScalars(2, 1, 2.5, 0.05), new TrainScalars(4, 1, 2.0, 0.1)], history.Train);
        var validation = Assert.Single(history.Validation);
        Assert.Equal((4L, 1L), (validation.Iteration, validation.Epoch));
        Assert.Equal(new Dictionary<string, double> { ["accuracy/top1"] = 40.5, ["accuracy/top5"] = 90.25 }, validation.Metrics);
        Assert.Equal(["accuracy/top1", "accuracy/top5"], history.MetricNames);
    }

    [Fact]
    public void A_resumed_run_continues_the_history_and_its_records_replace_repeated_iterations()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "start", "resumed_from": null}""",
            """{"mode": "train", "epoch": 1, "iter": 2, "loss": 3.0, "lr": 0.1}""",
            """{"mode": "train", "epoch": 1, "iter": 4, "loss": 2.8, "lr": 0.1}""",
            """{"mode": "train", "epoch": 1, "iter": 6, "loss": 2.6, "lr": 0.1}""",
            """{"mode": "interrupted", "epoch": 0, "iter": 6}""",
            """{"mode": "start", "resumed_from": "work/iter_4.pth"}""",
            """{"mode": "train", "epoch": 1, "iter": 6, "loss": 2.5, "lr": 0.1}""",
            """{"mode": "train", "epoch": 1, "iter": 8, "loss": 2.2, "lr": 0.1}""",
        ]);

        Assert.Equal([2L, 4, 6, 8], history.Train.Select(record => record.Iteration));
        Assert.Equal([3.0, 2.8, 2.5, 2.2], history.Train.Select(record => record.Loss!.Value));
    }

    [Fact]
    public void A_run_started_from_scratch_begins_a_new_history()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "start", "resumed_from": null}""",
            """{"mode": "train", "epoch": 1, "iter": 2, "loss": 3.0, "lr": 0.1}""",
            """{"mode": "train", "epoch": 1, "iter": 4, "loss": 2.8, "lr": 0.1}""",
            """{"mode": "val", "epoch": 1, "iter": 4, "accuracy/top1": 30}""",
            """{"mode": "start", "resumed_from": null}""",
            """{"mode": "train", "epoch": 1, "iter": 2, "loss": 1.5, "lr": 0.2}""",
        ]);

        var only = Assert.Single(history.Train);
        Assert.Equal(1.5, only.Loss);
        Assert.Empty(history.Validation);
        Assert.Empty(history.MetricNames);
    }

    [Fact]
    public void Torn_and_foreign_lines_are_skipped()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "train", "epoch": 1, "iter": 2, "loss": 3.0, "lr": 0.1}""",
            "",
            "[1, 2]",
            """{"mode": "train", "epoch": 1, "iter": 4, "lo""",
            """{"mode": "train", "epoch": 1, "loss": 1.0}""",
        ]);

        Assert.Equal([2L], history.Train.Select(record => record.Iteration));
    }

    [Fact]
    public void Reads_a_log_another_writer_still_holds_open()
    {
        using var log = new ScalarLog(folder.Path);
        log.Write(new Dictionary<string, object?> { ["mode"] = "train", ["epoch"] = 1, ["iter"] = 2, ["loss"] = 1.25, ["lr"] = 0.01 });

        var history = ScalarHistory.Read(log.Path);

        Assert.Equal(new TrainScalars(2, 1, 1.25, 0.01), Assert.Single(history.Train));
    }
}
