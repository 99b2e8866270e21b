using ImageClassifier.Engine.Configuration;
using System.Text.Json;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Checkpoints;
using ImageClassifier.Engine.Evaluation;
using ImageClassifier.Engine.Logging;
using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Amp;

/// <summary>Mixed precision training runs of the tiny experiment, on the CPU (CUDA is not available here).</summary>
[Collection(TrainingCollection.Name)]
public sealed class AmpTrainingTests : IDisposable
{
    private const string Amp = "optim_wrapper.type=AmpOptimWrapper";

    // float16 with a small dynamic scale that grows every 3 good steps, so a short run changes it.
    private static readonly string[] Float16 = [Amp, "optim_wrapper.dtype=float16", "optim_wrapper.loss_scale={\"init_scale\": 1024, \"growth_interval\": 3}"];

    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    private List<JsonElement> Records(string workDir) =>
        [.. File.ReadAllLines(Path.Combine(workDir, ScalarLog.FileName)).Select(line => JsonDocument.Parse(line).RootElement)];

    private static List<JsonElement> OfMode(IEnumerable<JsonElement> records, string mode) =>
        [.. records.Where(record => record.GetProperty("mode").GetString() == mode)];

    [Fact]
    public void A_bfloat16_run_lowers_the_loss_and_says_amp_is_on()
    {
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();
        TrainingResult result;
        using (var runner = new Runner(experiment.Read(Amp, "optim_wrapper.dtype=bfloat16"), experiment.Options(workDir, output: output)))
        {
            result = runner.Train();
            Assert.Equal(ScalarType.Float32, runner.Model!.parameters().First().dtype);
        }

        Assert.True(result.Completed);
        var records = Records(workDir);
        var losses = OfMode(records, "train").Select(record => record.GetProperty("loss").GetDouble()).ToList();
        Assert.True(losses[^2..].Average() < losses[..2].Average(), $"the loss should fall: {string.Join(", ", losses)}");
        var start = OfMode(records, "start").Single();
        Assert.Equal("bfloat16", start.GetProperty("amp").GetString());
        Assert.Equal(JsonValueKind.Null, start.GetProperty("loss_scale").ValueKind);
        Assert.Contains("(1 threads) with AMP (bfloat16, no loss scaling), seed 3", output.ToString());

        // bfloat16 needs no scaler: nothing about it in the log or the checkpoint.
        Assert.False(OfMode(records, "train")[0].TryGetProperty(TrainingStep.LossScaleKey, out _));
        var optimizer = (Dictionary<string, object?>)TorchCheckpointReader.ReadDictionary(result.LastCheckpoint!)["optimizer"]!;
        Assert.DoesNotContain(TrainingCheckpoint.LossScalerKey, optimizer.Keys);
        Assert.True(OfMode(records, "val")[^1].GetProperty("accuracy/top1").GetDouble() >= 0);
    }

    [Fact]
    public void A_float16_run_logs_and_saves_its_loss_scale()
    {
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();
        using var runner = new Runner(experiment.Read(Float16), experiment.Options(workDir, output: output));

        var result = runner.Train();

        Assert.True(result.Completed);
        Assert.Contains("with AMP (float16, dynamic loss scale from 1024)", output.ToString());
        var train = OfMode(Records(workDir), "train");
        Assert.All(train, record => Assert.True(record.GetProperty(TrainingStep.LossScaleKey).GetDouble() > 0));
        Assert.Contains("loss_scale: ", output.ToString());
        var state = (Dictionary<string, object?>)((Dictionary<string, object?>)TorchCheckpointReader.ReadDictionary(result.LastCheckpoint!)["optimizer"]!)[TrainingCheckpoint.LossScalerKey]!;
        Assert.Equal(train[^1].GetProperty(TrainingStep.LossScaleKey).GetDouble(), (double)state["scale"]!);
        Assert.Equal(3L, state["growth_interval"]);
        Assert.IsType<long>(state["_growth_tracker"]);
    }

    [Fact]
    public void Mixed_precision_iterations_leave_no_tensors_behind()
    {
        long LiveAfter(int epochs, string name)
        {
            DisposeScopeManager.Statistics.Reset();
            using (var runner = new Runner(experiment.Read([.. Float16, $"train_cfg.max_epochs={epochs}"]), experiment.Options(experiment.WorkDir(name))))
            {
                runner.Train();
            }

            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }

        Assert.Equal(LiveAfter(1, "one"), LiveAfter(2, "two"));
    }

    [Fact]
    public void A_float16_run_stopped_mid_epoch_resumes_to_the_same_weights_and_scale()
    {
        var (straight, expected) = experiment.Train(experiment.WorkDir("straight"), cfgOptions: Float16);
        var straightScale = OfMode(Records(experiment.WorkDir("straight")), "train")[^1].GetProperty(TrainingStep.LossScaleKey).GetDouble();

        var workDir = experiment.WorkDir("stopped");
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            var (stopped, _) = experiment.Train(workDir, cancellation: cancelled.Token, cfgOptions: Float16);
            Assert.Equal(1, stopped.Iteration);
        }

        var (resumed, actual) = experiment.Train(workDir, resume: RunnerOptions.ResumeLatest, cfgOptions: Float16);

        Assert.True(straight.Completed && resumed.Completed);
        var resumedScale = OfMode(Records(workDir), "train")[^1].GetProperty(TrainingStep.LossScaleKey).GetDouble();
        Assert.Equal(straightScale, resumedScale);
        Assert.True(straightScale > 1024, $"the scale should have grown over 16 steps, but is {straightScale}");
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.allclose(actual[name], rtol: 0, atol: 1e-6), $"{name} differs after resuming");
        }
    }

    private (Dictionary<string, double> Values, Dictionary<string, Tensor> Before, Dictionary<string, Tensor> After, double GradNorm) OneStep(params string[] cfgOptions)
    {
        var config = experiment.Read(cfgOptions);
        using var model = config.BuildModel();
        model.train();
        using var optimizer = config.BuildOptimizer(model);
        var amp = AmpContext.Create(config.OptimWrapper!.Amp, CPU);
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var inputs = torch.randint(0, 256, [8, 1, 16, 16], dtype: ScalarType.Byte);
        var targets = torch.tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 });
        // The parameters (a skipped step still updates batch norm's running statistics, as in PyTorch).
        var before = model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.detach().clone());

        var values = TrainingStep.Run(config.OptimWrapper.Wrap(optimizer, model.parameters(), amp?.Scaler), model, inputs, targets, loss => new InvalidOperationException($"loss {loss}"), amp);

        var after = model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.detach().clone());
        var norm = Math.Sqrt(model.parameters().Where(parameter => parameter.grad is not null).Sum(parameter => parameter.grad!.pow(2).sum().item<float>()));
        return (values, before.ToDictionary(pair => pair.Key, pair => pair.Value.MoveToOuterDisposeScope()), after.ToDictionary(pair => pair.Key, pair => pair.Value.MoveToOuterDisposeScope()), norm);
    }

    [Fact]
    public void Gradients_are_unscaled_before_they_are_clipped()
    {
        using var scope = NewDisposeScope();

        var (values, _, _, norm) = OneStep([.. Float16, "optim_wrapper.clip_grad={\"max_norm\": 0.001}"]);

        // Clipped after unscaling, the gradients' norm is max_norm; clipped before, it would be max_norm / 1024.
        Assert.Equal(1024.0, values[TrainingStep.LossScaleKey]);
        Assert.Equal(0.001, norm, 0.00001);
    }

    [Fact]
    public void A_step_whose_scaled_gradients_overflow_is_skipped_without_failing_the_run()
    {
        using var scope = NewDisposeScope();

        var (values, before, after, _) = OneStep(Amp, "optim_wrapper.dtype=float16", "optim_wrapper.loss_scale={\"init_scale\": 1e30}");

        Assert.True(double.IsFinite(values["loss"]));
        Assert.Equal((double)(float)5e29, values[TrainingStep.LossScaleKey]);
        Assert.All(before, pair => Assert.True(pair.Value.allclose(after[pair.Key], rtol: 0, atol: 0), $"{pair.Key} changed"));
    }

    [Fact]
    public void Evaluation_runs_under_autocast_only_when_asked_and_gives_float32_scores()
    {
        var config = experiment.Read();
        using var model = config.BuildModel();
        var loader = config.BuildDataLoader(RunStage.Test, 0);

        var probe = new AutocastProbe();
        var mixed = Evaluator.Evaluate(model, loader, [probe], CPU, autocast: ScalarType.BFloat16);
        Assert.Equal([true], probe.Enabled.Distinct());
        Assert.Equal([ScalarType.Float32], probe.ScoreTypes.Distinct());
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));

        var full = new AutocastProbe();
        Evaluator.Evaluate(model, loader, [full], CPU);
        Assert.Equal([false], full.Enabled.Distinct());
        Assert.Equal(32, mixed.SampleCount);
    }

    private sealed class AutocastProbe() : ImageClassifier.Models.Evaluation.Metric("probe", null)
    {
        public List<bool> Enabled { get; } = [];

        public List<ScalarType> ScoreTypes { get; } = [];

        public override long SampleCount => Enabled.Count * 16;

        public override void Process(Tensor predictions, Tensor targets)
        {
            Enabled.Add(Autocast.IsEnabled(DeviceType.CPU));
            ScoreTypes.Add(predictions.dtype);
        }

        public override void Reset()
        {
            Enabled.Clear();
            ScoreTypes.Clear();
        }

        protected override IEnumerable<KeyValuePair<string, double>> ComputeMetrics() => [new("batches", Enabled.Count)];
    }

    [Fact]
    public void Resuming_restores_the_scale_and_growth_tracker_from_the_checkpoint()
    {
        using var folder = new TempFolder();
        using var model = nn.Linear(3, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var scaler = new GradScaler(initScale: 4096, growthInterval: 100);
        using (NewDisposeScope())
        {
            for (var i = 0; i < 5; i++)
            {
                optimizer.zero_grad();
                scaler.ScaleLoss(model.call(torch.ones(1, 3)).sum()).backward();
                scaler.Step(optimizer);
                scaler.Update();
            }

            optimizer.zero_grad();
            scaler.ScaleLoss(model.call(torch.full(1, 3, float.PositiveInfinity)).sum()).backward();
            scaler.Step(optimizer);
            scaler.Update();
            optimizer.zero_grad();
            scaler.ScaleLoss(model.call(torch.ones(1, 3)).sum()).backward();
            scaler.Step(optimizer);
            scaler.Update();
        }

        Assert.Equal((2048.0, 1), (scaler.Scale, scaler.GrowthTracker));
        var path = folder.Combine("amp.pth");
        TrainingCheckpoint.Save(path, model, optimizer, [], new TrainingProgress(0, 7, 7, 1), ["a", "b"], null, scaler);

        var restored = new GradScaler(growthInterval: 100);
        TrainingCheckpoint.Restore(path, model, optimizer, [], restored);
        var fresh = new GradScaler();
        TrainingCheckpoint.Restore(path, model, optimizer, [], null);

        Assert.Equal((2048.0, 1), (restored.Scale, restored.GrowthTracker));
        Assert.Equal(GradScaler.DefaultInitScale, fresh.Scale);
    }

    [Fact]
    public void Train_with_amp_switches_the_optim_wrapper_and_records_it_in_the_checkpoint()
    {
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = ImageClassifier.Cli.Commands.CommandLineApp.Run(
            ["train", experiment.ConfigPath, "--work-dir", workDir, "--device", "cpu", "--threads", "1", "--amp", "--no-test", "--cfg-options", "train_cfg.max_epochs=1"],
            output,
            error,
            () => TinyExperiment.Catalog);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Contains("with AMP (bfloat16, no loss scaling)", output.ToString());
        var meta = (Dictionary<string, object?>)TorchCheckpointReader.ReadDictionary(Path.Combine(workDir, "epoch_1.pth"))["meta"]!;
        Assert.Contains("\"AmpOptimWrapper\"", (string)meta["cfg"]!);
    }
}
