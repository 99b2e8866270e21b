using System.Text.Json;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Logging;
using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine;

[Collection(TrainingCollection.Name)]
public sealed class RunnerTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    [Fact]
    public void Two_epochs_lower_the_loss_and_leave_logs_and_checkpoints()
    {
        var workDir = experiment.WorkDir();

        var (result, _) = experiment.Train(workDir);

        Assert.True(result.Completed);
        Assert.Equal(2, result.Epoch);
        Assert.Equal(16, result.Iteration);
        var records = File.ReadAllLines(Path.Combine(workDir, ScalarLog.FileName)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var losses = records.Where(record => record.GetProperty("mode").GetString() == "train").Select(record => record.GetProperty("loss").GetDouble()).ToList();
        Assert.Equal(8, losses.Count);
        Assert.True(losses[^2..].Average() < losses[..2].Average(), $"the loss should fall: {string.Join(", ", losses)}");
        var train = records.First(record => record.GetProperty("mode").GetString() == "train");
        foreach (var key in new[] { "epoch", "iter", "lr", "loss", "time", "data_time", "images_per_s" })
        {
            Assert.True(train.TryGetProperty(key, out _), $"the train record lacks {key}");
        }

        var validations = records.Where(record => record.GetProperty("mode").GetString() == "val").ToList();
        Assert.Equal(2, validations.Count);
        Assert.True(validations[^1].TryGetProperty("accuracy/top1", out _));

        // max_keep_ckpts 1 leaves only the last periodic checkpoint, plus the best.
        Assert.False(File.Exists(Path.Combine(workDir, "epoch_1.pth")));
        Assert.True(File.Exists(Path.Combine(workDir, "epoch_2.pth")));
        Assert.NotNull(result.BestCheckpoint);
        Assert.True(File.Exists(result.BestCheckpoint));
        Assert.Equal(Path.GetFullPath(Path.Combine(workDir, "epoch_2.pth")), File.ReadAllText(Path.Combine(workDir, Runner.LastCheckpointFile)));
        var checkpoint = TorchCheckpointReader.ReadDictionary(result.LastCheckpoint!);
        var meta = (Dictionary<string, object?>)checkpoint["meta"]!;
        Assert.Equal(2L, meta["epoch"]);
        Assert.Equal(16L, meta["iter"]);
        Assert.Equal(3L, meta["seed"]);
        Assert.Contains("state_dict", checkpoint.Keys);
        Assert.Contains("optimizer", checkpoint.Keys);
        Assert.Equal(2, ((List<object?>)checkpoint["param_schedulers"]!).Count);
    }

    [Fact]
    public void Iterations_leave_no_tensors_behind()
    {
        long LiveAfter(int epochs, string name)
        {
            DisposeScopeManager.Statistics.Reset();
            using (var runner = new Runner(experiment.Read($"train_cfg.max_epochs={epochs}"), experiment.Options(experiment.WorkDir(name))))
            {
                runner.Train();
            }

            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }

        // Twice the iterations, the same tensors left: nothing accumulates per iteration or per validation.
        Assert.Equal(LiveAfter(1, "one"), LiveAfter(2, "two"));
    }

    [Fact]
    public void A_run_stopped_mid_epoch_resumes_to_the_same_weights_as_an_uninterrupted_one()
    {
        var (straight, expected) = experiment.Train(experiment.WorkDir("straight"));

        var workDir = experiment.WorkDir("stopped");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var (stopped, _) = experiment.Train(workDir, cancellation: cancelled.Token);
        Assert.False(stopped.Completed);
        Assert.Equal(1, stopped.Iteration);
        Assert.Equal(Path.Combine(workDir, "iter_1.pth"), stopped.LastCheckpoint);

        var (resumed, actual) = experiment.Train(workDir, resume: RunnerOptions.ResumeLatest);

        Assert.True(straight.Completed && resumed.Completed);
        Assert.Equal(straight.Iteration, resumed.Iteration);
        AssertSameWeights(expected, actual);
    }

    [Fact]
    public void A_run_resumed_at_an_epoch_boundary_matches_an_uninterrupted_one()
    {
        var (_, expected) = experiment.Train(experiment.WorkDir("straight"));

        var workDir = experiment.WorkDir("halves");
        var (first, _) = experiment.Train(workDir, cfgOptions: ["train_cfg.max_epochs=1"]);
        var (second, actual) = experiment.Train(workDir, resume: first.LastCheckpoint);

        Assert.Equal(1, first.Epoch);
        Assert.Equal(2, second.Epoch);
        AssertSameWeights(expected, actual);
    }

    [Fact]
    public void A_non_finite_loss_stops_training_and_names_the_last_good_checkpoint()
    {
        var workDir = experiment.WorkDir();
        var (first, _) = experiment.Train(workDir, cfgOptions: ["train_cfg.max_epochs=1"]);
        var good = File.ReadAllBytes(first.LastCheckpoint!);

        // A vanishing std turns every input into infinities, and the loss into NaN.
        var error = Assert.Throws<NonFiniteLossException>(() =>
            experiment.Train(workDir, resume: RunnerOptions.ResumeLatest, cfgOptions: ["model.data_preprocessor.std=[1e-300]"]));

        Assert.True(double.IsNaN(error.Loss) || double.IsInfinity(error.Loss));
        Assert.Equal(2, error.Epoch);
        Assert.Equal(9, error.Iteration);
        Assert.Equal(first.LastCheckpoint, error.LastCheckpoint);
        Assert.Contains(first.LastCheckpoint!, error.Message);
        Assert.Equal(good, File.ReadAllBytes(first.LastCheckpoint!));
        Assert.False(File.Exists(Path.Combine(workDir, "epoch_2.pth")));
    }

    [Fact]
    public void Validation_logs_per_class_lists_and_matrices_as_json_only()
    {
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();
        using var runner = new Runner(
            experiment.Read("train_cfg.max_epochs=1", "val_evaluator=[{\"type\": \"SingleLabelMetric\", \"average\": null, \"items\": [\"support\"]}, {\"type\": \"ConfusionMatrix\"}, {\"type\": \"Accuracy\"}]"),
            experiment.Options(workDir, output: output));

        var result = runner.Train();

        var validation = File.ReadAllLines(Path.Combine(workDir, ScalarLog.FileName)).Select(line => JsonDocument.Parse(line).RootElement).Single(record => record.GetProperty("mode").GetString() == "val");
        Assert.Equal([8.0, 8, 8, 8, 0, 0, 0, 0, 0, 0], validation.GetProperty("single-label/support_classwise").EnumerateArray().Select(value => value.GetDouble()));
        Assert.Equal(32, validation.GetProperty("confusion_matrix/result").EnumerateArray().SelectMany(row => row.EnumerateArray()).Sum(cell => cell.GetInt64()));
        Assert.Contains("single-label/support_classwise: [8,8,8,8,0,0,0,0,0,0]", output.ToString());

        // save_best "auto" takes the first number, past the lists and matrices.
        Assert.Contains("best_accuracy_top1_epoch_1.pth", result.BestCheckpoint);
    }

    [Fact]
    public void A_plateau_scheduler_acts_on_each_validation_and_a_checkpoint_keeps_its_counters()
    {
        var workDir = experiment.WorkDir();

        // "less" on top-1 with an unreachable threshold: the first validation sets the best, every later one is a
        // stall, so with patience 0 each halves the rate for the next epoch.
        var (result, _) = experiment.Train(
            workDir,
            cfgOptions:
            [
                "train_cfg.max_epochs=4",
                "default_hooks.checkpoint.max_keep_ckpts=-1",
                "param_scheduler=[{\"type\": \"ReduceOnPlateauLR\", \"monitor\": \"accuracy/top1\", \"rule\": \"less\", \"patience\": 0, \"factor\": 0.5, \"threshold\": 1e9, \"threshold_rule\": \"abs\"}]",
            ]);

        Assert.True(result.Completed);
        var train = File.ReadAllLines(Path.Combine(workDir, ScalarLog.FileName)).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(record => record.GetProperty("mode").GetString() == "train")
            .Select(record => (Epoch: record.GetProperty("epoch").GetInt32(), Lr: record.GetProperty("lr").GetDouble()))
            .ToList();
        Assert.Equal([1, 2, 3, 4], train.Select(record => record.Epoch).Distinct());
        Assert.All(train.Where(record => record.Epoch <= 2), record => Assert.Equal(0.05, record.Lr, 12));
        Assert.All(train.Where(record => record.Epoch == 3), record => Assert.Equal(0.025, record.Lr, 12));
        Assert.All(train.Where(record => record.Epoch == 4), record => Assert.Equal(0.0125, record.Lr, 12));
        var checkpoint = TorchCheckpointReader.ReadDictionary(Path.Combine(workDir, "epoch_2.pth"));
        var state = (Dictionary<string, object?>)((List<object?>)checkpoint["param_schedulers"]!).Single()!;
        Assert.Equal("ReduceOnPlateauLR", state["type"]);
        Assert.Equal(0L, state["num_bad_epochs"]);
        Assert.Equal(2L, state["global_step"]);
    }

    [Fact]
    public void A_plateau_scheduler_watching_a_metric_the_validation_lacks_is_a_located_error()
    {
        using var runner = new Runner(experiment.Read("param_scheduler=[{\"type\": \"LinearLR\"}, {\"type\": \"ReduceOnPlateauLR\", \"monitor\": \"acc/top1\"}]"), experiment.Options(experiment.WorkDir()));

        var error = Assert.ThrowsAny<Exception>(() => runner.Train());

        Assert.Contains("$.param_scheduler[1].monitor", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"accuracy/top1\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_begin_starts_periodic_checkpoints_at_that_epoch()
    {
        var workDir = experiment.WorkDir();

        // As mmengine's every_n_epochs(2, start=3): epochs 3 and 5, then the last (save_last).
        var (result, _) = experiment.Train(workDir, cfgOptions: ["train_cfg.max_epochs=6", "default_hooks.checkpoint.max_keep_ckpts=-1", "default_hooks.checkpoint.interval=2", "default_hooks.checkpoint.save_begin=3"]);

        Assert.True(result.Completed);

        Assert.Equal(["epoch_3.pth", "epoch_5.pth", "epoch_6.pth"], Directory.GetFiles(workDir, "epoch_*.pth").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_best_auto_needs_a_number_to_judge()
    {
        using var runner = new Runner(experiment.Read("val_evaluator=[{\"type\": \"ConfusionMatrix\"}]"), experiment.Options(experiment.WorkDir()));

        var error = Assert.ThrowsAny<Exception>(() => runner.Train());

        Assert.Contains("$.default_hooks.checkpoint.save_best", error.Message);
        Assert.Contains("computes none", error.Message);
    }

    [Fact]
    public void Test_evaluates_a_checkpoint_with_per_class_results()
    {
        var workDir = experiment.WorkDir();
        var (trained, _) = experiment.Train(workDir);

        using var runner = new Runner(experiment.Read(), experiment.Options(workDir));
        var result = runner.Test(trained.LastCheckpoint);

        Assert.Equal(32, result.SampleCount);
        Assert.Contains("accuracy/top1", result.Metrics.Keys);
        Assert.Contains("accuracy/top5", result.Metrics.Keys);
        Assert.Equal(10, result.Classes.Count);
        long total = 0;
        foreach (var count in result.ConfusionMatrix)
        {
            total += count;
        }

        Assert.Equal(32, total);
        Assert.Null(result.PerClassAccuracy[9]);
        Assert.NotNull(result.PerClassAccuracy[0]);
    }

    private static void AssertSameWeights(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.allclose(actual[name], rtol: 0, atol: 1e-6), $"{name} differs after resuming");
        }
    }
}
