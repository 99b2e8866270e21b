using ImageClassifier.Data.Loading;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Engine;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine;

/// <summary>The runner after a crash or against bad input: resume fallback, stale temporary files, retention, labels and top-k.</summary>
[Collection(TrainingCollection.Name)]
public sealed class RunnerRecoveryTests : IDisposable
{
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

    [Fact]
    public void Resume_with_a_dangling_last_checkpoint_falls_back_to_the_newest_valid_one_and_says_so()
    {
        var (_, expected, _) = Train(experiment.WorkDir("straight"), null);
        var workDir = experiment.WorkDir("dangling");
        Train(workDir, null, "train_cfg.max_epochs=1");
        var pointer = Path.Combine(workDir, Runner.LastCheckpointFile);
        File.WriteAllText(pointer, Path.Combine(workDir, "epoch_7.pth"));
        File.WriteAllText(Path.Combine(workDir, "zz_not_a_checkpoint.pth"), "garbage, and newer than epoch_1.pth");

        var (resumed, actual, output) = Train(workDir, RunnerOptions.ResumeLatest);

        Assert.Contains($"{pointer} names '{Path.Combine(workDir, "epoch_7.pth")}', which does not exist; resuming from the newest valid checkpoint in {workDir} instead: {Path.Combine(workDir, "epoch_1.pth")} (epoch 1, iteration 8).", output);
        Assert.Contains($"Resumed from {Path.Combine(workDir, "epoch_1.pth")}: epoch 1, iteration 8.", output);
        Assert.True(resumed.Completed);
        Assert.Equal(16, resumed.Iteration);
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.allclose(actual[name], rtol: 0, atol: 1e-6), $"{name} differs after the fallback resume");
        }
    }

    [Fact]
    public void Resume_fails_clearly_when_the_work_dir_has_no_checkpoint_to_resume_from()
    {
        var workDir = experiment.WorkDir("broken");
        Directory.CreateDirectory(workDir);
        File.WriteAllText(Path.Combine(workDir, Runner.LastCheckpointFile), Path.Combine(workDir, "epoch_3.pth"));
        File.WriteAllText(Path.Combine(workDir, "epoch_2.pth"), "not a zip");

        var error = Assert.Throws<InvalidDataException>(() => Train(workDir, RunnerOptions.ResumeLatest));

        Assert.Contains("Cannot resume", error.Message);
        Assert.Contains("epoch_3.pth', which does not exist", error.Message);
        Assert.Contains("epoch_2.pth (", error.Message);
        Assert.False(File.Exists(Path.Combine(workDir, "scalars.jsonl")));
    }

    [Fact]
    public void A_run_removes_stale_temporary_checkpoints_and_nothing_else()
    {
        var workDir = experiment.WorkDir("stale");
        Directory.CreateDirectory(workDir);
        var stale = Path.Combine(workDir, $".epoch_1.pth.{Guid.NewGuid():N}.tmp");
        var other = Path.Combine(workDir, $".notes.txt.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half a checkpoint");
        File.WriteAllText(other, "not ours");

        var (result, _, output) = Train(workDir, null, "train_cfg.max_epochs=1");

        Assert.True(result.Completed);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(other));
        Assert.Contains($"Removed {stale}", output);
        Assert.Empty(Directory.GetFiles(workDir, ".*.pth.*.tmp"));
    }

    [Fact]
    public void Retention_after_an_interrupted_run_keeps_the_newest_checkpoints()
    {
        var workDir = experiment.WorkDir("interrupted");
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            experiment.Train(workDir, cancellation: cancelled.Token);
        }

        Assert.True(File.Exists(Path.Combine(workDir, "iter_1.pth")));

        // A checkpoint from a longer run (iteration 1000) must outlive a resumed run that never gets there.
        File.Copy(Path.Combine(workDir, "iter_1.pth"), Path.Combine(workDir, "iter_1000.pth"));
        var (resumed, _, _) = Train(workDir, Path.Combine(workDir, "iter_1.pth"));

        Assert.True(resumed.Completed);
        var periodic = Directory.GetFiles(workDir, "*.pth").Select(Path.GetFileName).Where(name => !name!.StartsWith("best_", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(["epoch_2.pth", "iter_1000.pth"], periodic);
        Assert.Equal(Path.GetFullPath(Path.Combine(workDir, "epoch_2.pth")), File.ReadAllText(Path.Combine(workDir, Runner.LastCheckpointFile)));
    }

    [Fact]
    public void Labels_beyond_num_classes_are_refused_naming_the_sample()
    {
        // The toy data has labels 0 to 3.
        var error = Assert.Throws<LabelOutOfRangeException>(() => Train(experiment.WorkDir(), null, "model.head.num_classes=3", "model.head.topk=[1]", "val_evaluator.topk=[1]"));

        Assert.Equal(3, error.Label);
        Assert.Equal(3, error.NumClasses);
        Assert.Contains("MNIST dataset (train_dataloader.dataset): sample", error.Message);
        Assert.Contains("has label 3, but the model has num_classes 3 (labels 0 to 2)", error.Message);
        Assert.Contains("train-images", error.Message);
    }

    [Fact]
    public void A_topk_beyond_num_classes_is_a_config_error_at_its_place()
    {
        var error = Assert.Throws<ConfigException>(() => Train(experiment.WorkDir(), null, "model.head.num_classes=4"));

        Assert.Contains("$.val_evaluator.topk", error.Message);
        Assert.Contains("top-5 needs at least 5 classes, but the model has 4", error.Message);
        Assert.Contains(experiment.ConfigPath, error.Message);
    }
}
