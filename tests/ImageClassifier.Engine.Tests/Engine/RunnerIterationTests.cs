using System.Text.Json;
using ImageClassifier.Engine.Logging;
using ImageClassifier.Engine.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine;

/// <summary>
/// The runner counting iterations as mmengine does: an IterBasedTrainLoop that cycles through the
/// tiny experiment's 8-batch epochs, validating, logging and checkpointing by iteration and
/// resuming mid-run; and iteration checkpoints in an epoch-based run.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class RunnerIterationTests : IDisposable
{
    private static readonly string[] IterationRun =
    [
        "train_cfg={\"_delete_\": true, \"type\": \"IterBasedTrainLoop\", \"max_iters\": 20, \"val_interval\": 6}",
        "default_hooks.checkpoint.by_epoch=false",
        "default_hooks.checkpoint.interval=5",
        "default_hooks.logger.interval=3",
        "log_processor={\"by_epoch\": false}",
    ];

    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    private (TrainingResult Result, Dictionary<string, Tensor> Weights, string Output) Train(string workDir, string? resume, params string[] cfgOptions)
    {
        using var output = new StringWriter();
        using var runner = new Runner(experiment.Read(cfgOptions), experiment.Options(workDir, resume, output: output));
        var result = runner.Train();
        var weights = runner.Model!.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().clone());
        return (result, weights, output.ToString());
    }

    private static List<JsonElement> Records(string workDir, string mode) =>
        [.. File.ReadAllLines(Path.Combine(workDir, ScalarLog.FileName)).Select(line => JsonDocument.Parse(line).RootElement).Where(record => record.GetProperty("mode").GetString() == mode)];

    [Fact]
    public void An_iteration_based_run_validates_logs_and_saves_every_so_many_iterations_across_epochs()
    {
        var workDir = experiment.WorkDir();

        var (result, _, output) = Train(
            workDir,
            null,
            [.. IterationRun, "param_scheduler=[{\"type\": \"LinearLR\", \"start_factor\": 0.5, \"by_epoch\": false, \"end\": 4}, {\"type\": \"CosineAnnealingLR\", \"by_epoch\": false, \"begin\": 4}]"]);

        Assert.True(result.Completed);
        Assert.Equal(20, result.Iteration);

        // mmengine's LoggerHook counts the run's iterations, not the epoch's; the run's last is logged too.
        var train = Records(workDir, "train");
        Assert.Equal([3, 6, 9, 12, 15, 18, 20], train.Select(record => record.GetProperty("iter").GetInt32()));
        Assert.Equal([6, 12, 18, 20], Records(workDir, "val").Select(record => record.GetProperty("iter").GetInt32()));

        // mmengine's chain after 18 steps: the warm-up is done, the cosine over [4, 20) is at its step 14 of T_max 16.
        Assert.Equal(0.05 * (1 + Math.Cos(Math.PI * 14 / 16)) / 2, train[5].GetProperty("lr").GetDouble(), 12);
        Assert.Contains("Iter(train) [3/20]  lr: ", output, StringComparison.Ordinal);
        Assert.Contains("Iter(val) [2/2]  accuracy/top1: ", output, StringComparison.Ordinal);

        // max_keep_ckpts 1 keeps the newest periodic checkpoint; the best is named by iteration.
        Assert.Equal(["iter_20.pth"], Directory.GetFiles(workDir, "iter_*.pth").Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(workDir, "epoch_*.pth"));
        Assert.Matches(@"^best_accuracy_top1_iter_(6|12|18|20)\.pth$", Path.GetFileName(result.BestCheckpoint));
        Assert.Equal(Path.GetFullPath(Path.Combine(workDir, "iter_20.pth")), File.ReadAllText(Path.Combine(workDir, Runner.LastCheckpointFile)));
    }

    [Fact]
    public void An_iteration_based_run_resumed_mid_epoch_ends_with_the_weights_of_an_uninterrupted_one()
    {
        // OneCycleLR cycling the momentum too: the resumed run must restore both the scheduler's counters and SGD's momentum.
        string[] options = [.. IterationRun, "default_hooks.checkpoint.max_keep_ckpts=-1", "param_scheduler=[{\"type\": \"OneCycleLR\", \"eta_max\": 0.1, \"by_epoch\": false, \"cycle_momentum\": true}]"];
        var (straight, expected, _) = Train(experiment.WorkDir("straight"), null, options);

        // Iteration 10 is the second batch of the second epoch.
        var workDir = experiment.WorkDir("resumed");
        Directory.CreateDirectory(workDir);
        var start = Path.Combine(workDir, "iter_10.pth");
        File.Copy(Path.Combine(experiment.WorkDir("straight"), "iter_10.pth"), start);
        var (resumed, actual, output) = Train(workDir, start, options);

        Assert.Contains($"Resumed from {start}: iteration 10.", output, StringComparison.Ordinal);
        Assert.True(straight.Completed && resumed.Completed);
        Assert.Equal(20, resumed.Iteration);
        Assert.Equal([12, 18, 20], Records(workDir, "val").Select(record => record.GetProperty("iter").GetInt32()));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.allclose(actual[name], rtol: 0, atol: 1e-6), $"{name} differs after resuming");
        }
    }

    [Fact]
    public void Save_begin_counts_iterations_when_the_checkpoint_hook_does()
    {
        var workDir = experiment.WorkDir();

        // mmengine's every_n_train_iters(5, start=3): iterations 3, 8 and 13, then the last (save_last).
        Train(workDir, null, "default_hooks.checkpoint.by_epoch=false", "default_hooks.checkpoint.interval=5", "default_hooks.checkpoint.save_begin=3", "default_hooks.checkpoint.max_keep_ckpts=-1");

        Assert.Equal(["iter_13.pth", "iter_16.pth", "iter_3.pth", "iter_8.pth"], Directory.GetFiles(workDir, "iter_*.pth").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_epoch_based_run_saves_by_iteration_when_the_checkpoint_hook_counts_iterations()
    {
        var workDir = experiment.WorkDir();

        var (result, _, output) = Train(workDir, null, "default_hooks.checkpoint.by_epoch=false", "default_hooks.checkpoint.interval=5", "default_hooks.checkpoint.max_keep_ckpts=-1");

        // Every 5 of the 16 iterations, and the last (save_last); none at epoch ends.
        Assert.Equal(["iter_10.pth", "iter_15.pth", "iter_16.pth", "iter_5.pth"], Directory.GetFiles(workDir, "iter_*.pth").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(workDir, "epoch_*.pth"));
        Assert.Matches(@"^best_accuracy_top1_iter_(8|16)\.pth$", Path.GetFileName(result.BestCheckpoint));
        Assert.Equal(Path.Combine(workDir, "iter_16.pth"), result.LastCheckpoint);

        // The log still counts epochs, as the loop does.
        Assert.Contains("Epoch(train) [2][8/8]", output, StringComparison.Ordinal);
        Assert.Contains("Epoch(val) [2][2/2]", output, StringComparison.Ordinal);
    }
}
