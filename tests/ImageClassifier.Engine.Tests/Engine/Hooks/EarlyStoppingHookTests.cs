using ImageClassifier.Engine.Hooks;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Hooks;

/// <summary>
/// EarlyStoppingHook on scripted metric sequences (the stop points worked out by hand from
/// mmengine's rules: an improvement must beat the best by more than min_delta, patience counts
/// validations in a row without one, a threshold or a non-finite value stops at once), its rule
/// inference, and a training run it stops.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class EarlyStoppingHookTests : IDisposable
{
    private readonly TinyExperiment experiment = new();
    private readonly Classifier model;
    private readonly optim.Optimizer optimizer;

    public EarlyStoppingHookTests()
    {
        model = experiment.Read().BuildModel();
        optimizer = experiment.Read().BuildOptimizer(model);
    }

    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
        experiment.Dispose();
    }

    [Theory]
    // Greater: 50 sets the best; 50.05 is not 0.1 better (wait 1); 50.2 is (wait 0); 50.25, 50.29 wait 1, 2: stop at the 5th.
    [InlineData("accuracy/top1", null, 0.1, 2, null, new[] { 50.0, 50.05, 50.2, 50.25, 50.29, 60 }, 5)]
    // Less, inferred from "loss": 1.0, 0.95 (not 0.1 lower: wait 1), 0.85 (wait 0), 0.8 (wait 1), 0.7 (wait 0), 0.65, 0.61, 0.62: stop at the 8th.
    [InlineData("val/loss", null, 0.1, 3, null, new[] { 1.0, 0.95, 0.85, 0.8, 0.7, 0.65, 0.61, 0.62 }, 8)]
    // A threshold stops as soon as it is beaten, whatever the patience.
    [InlineData("accuracy/top1", "greater", 0.0, 10, 90.0, new[] { 50.0, 80, 90, 90.5, 99 }, 4)]
    // Never stops while every value improves.
    [InlineData("single-label/precision", null, 0.5, 1, null, new[] { 10.0, 11, 12, 13 }, -1)]
    // A negative min_delta tolerates a small drop.
    [InlineData("accuracy/top1", null, -1.0, 1, null, new[] { 50.0, 49.5, 48, 47.5 }, 3)]
    public void Stops_at_the_validation_mmengines_rules_say(string monitor, string? rule, double minDelta, int patience, double? threshold, double[] scores, int stopAt)
    {
        var hook = new EarlyStoppingHook(monitor, rule, minDelta, patience: patience, stoppingThreshold: threshold);
        var stopped = -1;

        for (var validation = 1; validation <= scores.Length && stopped < 0; validation++)
        {
            var point = Context();
            hook.AfterValEpoch(point, new Dictionary<string, double> { [monitor] = scores[validation - 1], ["other"] = 0 });
            stopped = point.StopReason is null ? -1 : validation;
        }

        Assert.Equal(stopAt, stopped);
    }

    [Theory]
    [InlineData(double.NaN, true, 2)]
    [InlineData(double.PositiveInfinity, true, 2)]
    [InlineData(double.NaN, false, -1)]
    public void A_non_finite_value_stops_when_check_finite_says_so(double value, bool checkFinite, int stopAt)
    {
        var hook = new EarlyStoppingHook("accuracy/top1", checkFinite: checkFinite, patience: 5);
        var stopped = -1;
        double[] scores = [50, value, 51];
        for (var validation = 1; validation <= scores.Length && stopped < 0; validation++)
        {
            var point = Context();
            hook.AfterValEpoch(point, new Dictionary<string, double> { ["accuracy/top1"] = scores[validation - 1] });
            stopped = point.StopReason is null ? -1 : validation;
        }

        Assert.Equal(stopAt, stopped);
    }

    [Theory]
    [InlineData("accuracy/top1", true)]
    [InlineData("top", true)]
    [InlineData("single-label/precision_micro", true)]
    [InlineData("val/mAP", true)]
    [InlineData("LOSS", false)]
    [InlineData("val/loss_cls", false)]
    public void Infers_the_rule_from_the_name_as_mmengine_does(string monitor, bool greater) =>
        Assert.Equal(greater, new EarlyStoppingHook(monitor).Greater);

    [Fact]
    public void A_name_without_a_known_part_needs_a_rule()
    {
        using var bad = new TinyExperiment("\"custom_hooks\": [{\"type\": \"EarlyStoppingHook\", \"monitor\": \"single-label/recall\"}]");

        var error = Assert.ThrowsAny<ConfigException>(() => bad.Read().BuildHooks());

        Assert.Contains("$.custom_hooks[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("rule must be \"greater\" or \"less\": the direction of 'single-label/recall' cannot be inferred from its name", error.Message, StringComparison.Ordinal);
        Assert.True(new EarlyStoppingHook("single-label/recall", rule: "greater").Greater);
    }

    [Fact]
    public void A_missing_metric_is_skipped_with_a_warning_or_fails_when_strict()
    {
        var said = new List<string>();
        var point = Context(said.Add);
        var metrics = new Dictionary<string, double> { ["accuracy/top1"] = 50 };

        new EarlyStoppingHook("accuracy/top5").AfterValEpoch(point, metrics);
        var error = Assert.Throws<InvalidOperationException>(() => new EarlyStoppingHook("accuracy/top5", strict: true).AfterValEpoch(Context(), metrics));

        Assert.Null(point.StopReason);
        Assert.Contains("computes no 'accuracy/top5'", Assert.Single(said), StringComparison.Ordinal);
        Assert.Contains("'accuracy/top1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Its_state_survives_a_checkpoint()
    {
        var hook = new EarlyStoppingHook("accuracy/top1", patience: 3);
        hook.AfterValEpoch(Context(), new Dictionary<string, double> { ["accuracy/top1"] = 70 });
        hook.AfterValEpoch(Context(), new Dictionary<string, double> { ["accuracy/top1"] = 69 });
        var checkpoint = new Dictionary<string, object?> { ["message_hub"] = new Dictionary<string, object?>() };

        hook.BeforeSaveCheckpoint(Context(), checkpoint);
        var resumed = new EarlyStoppingHook("accuracy/top1", patience: 3);
        resumed.AfterLoadCheckpoint(Context(), checkpoint);

        Assert.Equal(70, resumed.BestScore);
        Assert.Equal(1, resumed.WaitCount);
    }

    [Fact]
    public void A_stopped_run_ends_like_a_finished_one_with_a_last_checkpoint_and_a_test()
    {
        // Nothing beats the first validation by 1000 points: patience 1 stops after the second.
        var run = experiment.Read(
            "train_cfg.max_epochs=5",
            "default_hooks.checkpoint.interval=3",
            "custom_hooks=[{\"type\": \"EarlyStoppingHook\", \"monitor\": \"accuracy/top1\", \"min_delta\": 1000, \"patience\": 1}]");
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();

        var (training, test) = BuiltInHost.Instance.Train(run, experiment.Options(workDir, output: output));

        Assert.True(training.Completed);
        Assert.Equal(2, training.Epoch);
        Assert.StartsWith("EarlyStoppingHook: the monitored metric accuracy/top1 did not improve in the last 1 validations", training.StopReason, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(workDir, "epoch_2.pth"), training.LastCheckpoint);
        Assert.True(File.Exists(training.LastCheckpoint));
        Assert.Contains("Training stopped early at epoch 2, iteration 16: EarlyStoppingHook: ", output.ToString(), StringComparison.Ordinal);
        Assert.NotNull(test);
        Assert.Contains("\"stop_reason\"", File.ReadLines(Path.Combine(workDir, "scalars.jsonl")).Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_iteration_based_run_stops_after_the_iteration_and_saves_it()
    {
        var run = experiment.Read(
            "train_cfg={\"_delete_\": true, \"type\": \"IterBasedTrainLoop\", \"max_iters\": 40, \"val_interval\": 6}",
            "default_hooks.checkpoint.by_epoch=false",
            "default_hooks.checkpoint.interval=100",
            "param_scheduler=[{\"type\": \"LinearLR\", \"start_factor\": 0.5, \"by_epoch\": false, \"end\": 4}]",
            "custom_hooks=[{\"type\": \"EarlyStoppingHook\", \"monitor\": \"accuracy/top1\", \"min_delta\": 1000, \"patience\": 1}]");
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();
        using var runner = new Runner(run, experiment.Options(workDir, output: output));

        var result = runner.Train();

        Assert.True(result.Completed);
        Assert.Equal(12, result.Iteration);
        Assert.Equal(Path.Combine(workDir, "iter_12.pth"), result.LastCheckpoint);
        Assert.True(File.Exists(result.LastCheckpoint));
        Assert.Contains("Training stopped early at iteration 12: EarlyStoppingHook: ", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\": \"EarlyStoppingHook\", \"monitor\": \"accuracy/top1\", \"patience\": 0}", "patience")]
    [InlineData("{\"type\": \"EarlyStoppingHook\", \"monitor\": \"accuracy/top1\", \"rule\": \"more\"}", "rule")]
    [InlineData("{\"type\": \"EarlyStoppingHook\", \"monitor\": \"accuracy/top1\", \"priority\": \"LAST\"}", "priority")]
    public void Bad_values_are_config_errors_at_their_key(string hook, string key)
    {
        using var bad = new TinyExperiment($"\"custom_hooks\": [{hook}]");

        var error = Assert.ThrowsAny<ConfigException>(() => bad.Read().BuildHooks());

        Assert.Contains($"$.custom_hooks[0].{key}", error.Message);
        Assert.Contains(bad.ConfigPath, error.Message);
    }

    private HookContext Context(Action<string>? say = null) => new("work", 1, 8, 5, 40, model, optimizer, say ?? (_ => { }));
}
