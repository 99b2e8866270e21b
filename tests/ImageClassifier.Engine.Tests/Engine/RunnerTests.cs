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
