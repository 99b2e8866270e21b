using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ImageClassifier.Data.Loading;
using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Charts;
using ImageClassifier.Engine.Checkpoints;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Evaluation;
using ImageClassifier.Engine.Hooks;
using ImageClassifier.Engine.Logging;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine;

/// <summary>
/// mmengine's Runner for one process: trains a config's model (epoch- or iteration-based),
/// validates it every <c>val_interval</c>, logs to <c>scalars.jsonl</c> and a progress line, writes
/// checkpoints (periodic, last and best, atomically), resumes exactly, stops cleanly on
/// cancellation (saving first) and refuses a non-finite loss before it reaches the weights. With
/// <c>optim_wrapper.type</c> AmpOptimWrapper it trains and evaluates in mixed precision
/// (<see cref="Amp.AmpContext"/>).
/// <see cref="Test"/> evaluates the trained model, or a checkpoint, on the test data.
/// </summary>
/// <remarks>
/// Every training iteration runs in its own dispose scope, so no tensor outlives it but the
/// model's and the optimizer's. libtorch uses <see cref="RunnerOptions.Threads"/> threads (by
/// default the process's, <see cref="TorchRuntimeReport.Threads"/>); more threads prepare the next batches (in pinned memory for a
/// CUDA device, copied to it without blocking).
/// </remarks>
public sealed class Runner : IDisposable
{
    /// <summary>The file in the work dir that names the last checkpoint written (mmengine's name).</summary>
    public const string LastCheckpointFile = "last_checkpoint";

    // Missing and unexpected keys of a load_from: enough names to see which model the file is for.
    private const int LoadReportNames = 5;

    private readonly RunDefinition run;
    private readonly RunnerOptions options;
    private readonly ProgressLine progressLine;
    private Classifier? model;
    private AmpContext? amp;
    private IReadOnlyList<string> classes = [];
    private bool runtimeWarned;
    private int epochLengthForRetention = 1;

    // The training's hooks and optimizer outlive Train: testing the trained model calls the hooks.
    private List<Hook> hooks = [];
    private List<Hook> iterationHooks = [];
    private Func<HookContext>? hookPoint;
    private optim.Optimizer? optimizer;
    private string? stopReason;

    // Where a non-finite loss is reported; one delegate for the run instead of a closure per step.
    private readonly Func<float, Exception> nonFiniteLoss;
    private int stepEpoch;
    private int stepIteration;
    private string? stepLastCheckpoint;

    /// <summary>Creates a runner for <paramref name="run"/>.</summary>
    public Runner(RunDefinition run, RunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        this.run = run;
        this.options = options ?? new RunnerOptions();
        progressLine = new ProgressLine(this.options.Output, this.options.OutputIsTerminal);
        WorkDir = this.options.WorkDir ?? run.WorkDir ?? Path.Combine("work_dirs", this.options.ConfigName ?? "run");
        nonFiniteLoss = loss => new NonFiniteLossException(loss, stepEpoch + 1, stepIteration + 1, stepLastCheckpoint);
    }

    /// <summary>Where logs and checkpoints go.</summary>
    public string WorkDir { get; }

    /// <summary>The model trained (or loaded by <see cref="Test"/>), or null before.</summary>
    public Classifier? Model => model;

    /// <summary>The device the model runs on, once resolved.</summary>
    public Device? Device { get; private set; }

    /// <summary>The run's seed, once chosen.</summary>
    public int Seed { get; private set; }

    /// <summary>Trains the model as the config says.</summary>
    /// <exception cref="Exception">From the run's origin: the run lacks a section training needs, or a component refuses its config.</exception>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite.</exception>
    public TrainingResult Train()
    {
        var clock = Stopwatch.StartNew();
        run.RequireTraining();
        var loop = run.TrainLoop!;
        Prepare();
        amp = AmpContext.Create(run.OptimWrapper!.Amp, Device!);
        Directory.CreateDirectory(WorkDir);

        // Only a killed save leaves these; no save of this run has started yet.
        foreach (var stale in TorchCheckpointWriter.RemoveTemporaryCheckpoints(WorkDir))
        {
            Say($"Removed {stale}, left by a checkpoint save that was interrupted.");
        }

        // Read outside any dispose scope: the model and optimizer built below must not join one.
        var resume = ResolveResume();
        var resumePath = resume?.Path;
        var resumeState = resume?.State;
        if (resume?.Notice is { } notice)
        {
            Say(notice);
        }

        var numClasses = ClassCount.Of(run);
        Seed = (resumeState is null ? null : TrainingCheckpoint.ReadSeed(resumeState)) ?? run.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        torch.manual_seed(Seed);

        var trainLoader = run.BuildDataLoader(RunStage.Train, Seed, PinsMemory, numClasses, options.TrainShard);
        ReportWarnings(trainLoader, "train");
        var valLoader = run.ValDataloader is null ? null : run.BuildDataLoader(RunStage.Val, Seed, PinsMemory, numClasses);
        if (valLoader is not null)
        {
            ReportWarnings(valLoader, "val");
        }

        var valMetrics = run.BuildMetrics(RunStage.Val);
        var epochLength = run.EpochLengthOf(trainLoader);

        // mmengine's IterBasedTrainLoop counts as one epoch; its data loader still cycles through sampler epochs.
        var maxEpochs = loop.ByEpoch ? loop.MaxEpochs : 1;
        var maxIterations = loop.ByEpoch ? checked(loop.MaxEpochs * epochLength) : loop.MaxIterations;
        classes = trainLoader.Dataset.Classes;

        model?.Dispose();
        model = run.BuildModel();
        if (numClasses is { } classCount)
        {
            ClassCount.CheckTopk(run, classCount, model, RunDefinition.EvaluatorKey(RunStage.Val), valMetrics);
        }

        model.to(Device!);
        this.optimizer?.Dispose();
        var optimizer = this.optimizer = run.BuildOptimizer(model);
        if (run.AutoScaleBaseBatchSize is { } baseBatchSize)
        {
            ScaleLearningRate(optimizer, (double)trainLoader.BatchSize / baseBatchSize);
        }

        var schedulers = run.AttachSchedulers(optimizer, epochLength);
        var optimWrapper = run.OptimWrapper!.Wrap(optimizer, model.parameters(), amp?.Scaler, options.GradientReducer);
        ReleaseHooks();
        hooks = run.BuildHooks();
        iterationHooks = [.. hooks.Where(ListensToIterations)];
        stopReason = null;
        var progress = new TrainingProgress(0, 0, 0, Seed);
        if (resumePath is not null)
        {
            CallHooks(new HookContext(WorkDir, 0, 0, maxEpochs, maxIterations, model, optimizer, Say), (hook, point) => hook.AfterLoadCheckpoint(point, resumeState!));
            progress = TrainingCheckpoint.Restore(resumePath, resumeState!, model, optimizer, schedulers, amp?.Scaler) with { Seed = Seed };
            Say($"Resumed from {resumePath}: {(loop.ByEpoch ? $"epoch {progress.Epoch}, " : string.Empty)}iteration {progress.Iteration}.");
        }
        else if (run.LoadFrom is { } loadFrom)
        {
            // Fine-tuning: a head trained for another class count is the one mismatch to adapt.
            var loaded = ModelWeights.Load(model, loadFrom, adaptHead: true);
            Say($"Loaded weights from {loadFrom} ({loaded.Report.LoadedCount} tensors).");
            foreach (var adaptation in loaded.HeadAdaptations)
            {
                Say(adaptation.ToString());
            }

            if (!loaded.Report.IsExact)
            {
                Say($"warning: {loadFrom} does not fit the model exactly: {loaded.Report.Describe(LoadReportNames)}");
            }
        }

        CheckpointTrees.DisposeTensors(resumeState);
        foreach (var warning in optimWrapper.InitializeCountStatus(model, progress.Iteration, maxIterations))
        {
            Say($"warning: {warning}");
        }

        epochLengthForRetention = epochLength;
        var lastCheckpoint = resumePath;
        var lastMetrics = (IReadOnlyDictionary<string, double>)new Dictionary<string, double>();

        using var log = new TrainingLog(WorkDir);
        log.Write(new Dictionary<string, object?>
        {
            ["mode"] = "start",
            ["time"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
            ["seed"] = Seed,
            ["device"] = Device!.ToString(),
            ["threads"] = torch.get_num_threads(),
            ["resumed_from"] = resumePath,
            ["epoch_length"] = epochLength,
            ["amp"] = amp is null ? null : AmpSettings.NameOf(amp.Dtype),
            ["loss_scale"] = amp?.Scaler?.Scale,
            ["onednn"] = TorchRuntime.Report?.OneDnnEnabled,
            ["nnpack"] = TorchRuntime.Report?.NnpackEnabled,
            ["malloc_tuned"] = TorchRuntime.Report?.MallocTuned,
            ["convolution_check_ms"] = TorchRuntime.Report?.Check?.Elapsed.TotalMilliseconds,
        });
        var precision = amp is null ? string.Empty : $" with AMP ({amp.Describe()})";
        Say($"Training {run.Model.TypeName} on {Device} ({torch.get_num_threads()} threads){precision}, seed {Seed}, {trainLoader.Dataset.Count} images in {epochLength} batches of {trainLoader.BatchSize}; work dir {WorkDir}");

        var epoch = progress.Epoch;
        var iteration = progress.Iteration;
        var skip = progress.EpochIteration;
        var interrupted = false;
        var runClock = Stopwatch.StartNew();
        var iterationsThisRun = 0;
        var finished = loop.ByEpoch ? epoch >= maxEpochs : iteration >= maxIterations;
        var logByEpoch = run.LogByEpoch ?? loop.ByEpoch;
        HookContext HookPoint() => new(WorkDir, loop.ByEpoch ? epoch : 0, iteration, maxEpochs, maxIterations, model, optimizer, Say);
        hookPoint = HookPoint;

        // Looked up once: the loop below allocates nothing of its own per iteration but its log lines.
        var iterationSchedulers = schedulers.Where(scheduler => !scheduler.ByEpoch).ToList();
        var firstGroup = optimizer.ParamGroups.First();
        var losses = new Dictionary<string, double>(StringComparer.Ordinal);
        CallHooks(HookPoint(), (hook, point) => hook.BeforeRun(point));
        if (!loop.ByEpoch && !finished)
        {
            CallHooks(HookPoint(), (hook, point) => hook.BeforeTrainEpoch(point));
        }

        while (!finished && !interrupted)
        {
            if (loop.ByEpoch)
            {
                CallHooks(HookPoint(), (hook, point) => hook.BeforeTrainEpoch(point));
            }

            model.train();
            var window = new LogWindow();
            var epochIteration = skip;
            var waitClock = Stopwatch.StartNew();
            foreach (var batch in trainLoader.Epoch(epoch, skip))
            {
                var dataTime = waitClock.Elapsed.TotalSeconds;
                var stepStart = Stopwatch.GetTimestamp();
                using (batch)
                {
                    TrainStep(batch, optimWrapper, epoch, iteration, lastCheckpoint, losses);
                    window.Add(losses, batch.Size, dataTime, Stopwatch.GetElapsedTime(stepStart).TotalSeconds + dataTime);
                }

                iteration++;
                epochIteration++;
                iterationsThisRun++;
                foreach (var scheduler in iterationSchedulers)
                {
                    scheduler.Step();
                }

                var learningRate = firstGroup.LearningRate;
                var remaining = maxIterations - iteration;

                // As mmengine's LoggerHook: every interval iterations of the epoch, or of the whole run in an iteration-based loop.
                var atLogPoint = loop.ByEpoch
                    ? run.LoggerInterval is { } interval && (epochIteration % interval == 0 || epochIteration == epochLength)
                    : run.LoggerInterval is { } runInterval && (iteration % runInterval == 0 || iteration == maxIterations);

                // Text is made only when it is shown: a live line at most five times a second, a log line at the interval.
                if (progressLine.WantsUpdate || atLogPoint)
                {
                    var eta = TimeSpan.FromSeconds(runClock.Elapsed.TotalSeconds / iterationsThisRun * Math.Max(0, remaining));
                    if (progressLine.WantsUpdate)
                    {
                        var position = loop.ByEpoch
                            ? $"Epoch {epoch + 1}/{maxEpochs} {ProgressLine.Bar(epochIteration, epochLength)} {epochIteration}/{epochLength}"
                            : $"Iter {ProgressLine.Bar(iteration, maxIterations)} {iteration}/{maxIterations}";
                        progressLine.Update($"{position} loss {window.LastLoss:F4} lr {learningRate:0.####e+0} {window.ImagesPerSecond:F0} img/s eta {FormatSpan(eta)}");
                    }

                    if (atLogPoint)
                    {
                        WriteTrainLog(log, window, TrainLogHeader(logByEpoch, loop.ByEpoch, epoch, epochIteration, epochLength, iteration, maxIterations), epoch, epochIteration, iteration, learningRate, eta);
                        window = new LogWindow();
                    }
                }

                // Only hooks that act after an iteration are called, so a run without one makes no context per iteration.
                if (iterationHooks.Count > 0)
                {
                    var point = HookPoint();
                    foreach (var hook in iterationHooks)
                    {
                        hook.AfterTrainIter(point, losses);
                        NoteStop(hook, point);
                    }
                }

                var atEnd = iteration >= maxIterations;
                if (!loop.ByEpoch && valLoader is not null && iteration >= loop.ValBegin && (iteration % loop.ValIntervalAfter(iteration) == 0 || atEnd))
                {
                    lastMetrics = Validate(valLoader, valMetrics, log, logByEpoch ? 0 : null, epoch, iteration, ref progress, optimizer, schedulers, epochIteration);
                    model.train();
                }

                // A hook's stop ends an iteration-based run after this iteration, an epoch-based one after the epoch.
                atEnd = atEnd || (!loop.ByEpoch && stopReason is not null);

                if (run.Checkpoint is { ByEpoch: false } iterationHook && (iterationHook.IsSavePoint(iteration) || (atEnd && iterationHook.SaveLast)))
                {
                    progress = progress with { Epoch = epoch, Iteration = iteration, EpochIteration = epochIteration };
                    lastCheckpoint = SaveCheckpoint(iterationHook.FileName(epoch, iteration), optimizer, schedulers, progress, periodic: true);
                }

                if (!loop.ByEpoch && atEnd)
                {
                    finished = true;
                    break;
                }

                if (options.Cancellation.IsCancellationRequested && epochIteration < epochLength)
                {
                    progress = progress with { Epoch = epoch, Iteration = iteration, EpochIteration = epochIteration };
                    lastCheckpoint = SaveCheckpoint($"iter_{iteration}.pth", optimizer, schedulers, progress, periodic: false);
                    interrupted = true;
                    break;
                }

                waitClock.Restart();
            }

            if (interrupted || (finished && !loop.ByEpoch))
            {
                break;
            }

            // The epoch is complete.
            epoch++;
            skip = 0;
            foreach (var scheduler in schedulers.Where(scheduler => scheduler.ByEpoch))
            {
                scheduler.Step();
            }

            progress = progress with { Epoch = epoch, Iteration = iteration, EpochIteration = 0 };
            if (loop.ByEpoch)
            {
                CallHooks(HookPoint(), (hook, point) => hook.AfterTrainEpoch(point));
                finished = epoch >= maxEpochs;
                if (valLoader is not null && epoch >= loop.ValBegin && (epoch % loop.ValIntervalAfter(epoch) == 0 || finished))
                {
                    lastMetrics = Validate(valLoader, valMetrics, log, logByEpoch ? epoch : null, epoch, iteration, ref progress, optimizer, schedulers, 0);
                }

                finished = finished || stopReason is not null;

                var cancelled = options.Cancellation.IsCancellationRequested;
                var name = (run.Checkpoint ?? CheckpointSettings.Default).FileName(epoch, iteration);
                if (run.Checkpoint is { ByEpoch: true } hook && (hook.IsSavePoint(epoch) || ((finished || cancelled) && hook.SaveLast)))
                {
                    lastCheckpoint = SaveCheckpoint(name, optimizer, schedulers, progress, periodic: true);
                }
                else if ((cancelled || (stopReason is not null && run.Checkpoint is { SaveLast: true })) && lastCheckpoint != Path.Combine(WorkDir, name))
                {
                    // An iteration checkpoint of the epoch's last iteration resumes to here as well.
                    lastCheckpoint = SaveCheckpoint(name, optimizer, schedulers, progress, periodic: false);
                }

                interrupted = cancelled && !finished;
            }
            else if (options.Cancellation.IsCancellationRequested)
            {
                lastCheckpoint = SaveCheckpoint($"iter_{iteration}.pth", optimizer, schedulers, progress, periodic: false);
                interrupted = true;
            }
        }

        if (!loop.ByEpoch && finished)
        {
            CallHooks(HookPoint(), (hook, point) => hook.AfterTrainEpoch(point));
        }

        progressLine.Clear();
        CallHooks(HookPoint(), (hook, point) => hook.AfterRun(point));
        var elapsed = clock.Elapsed;
        var end = new Dictionary<string, object?>
        {
            ["mode"] = interrupted ? "interrupted" : "end",
            ["epoch"] = epoch,
            ["iter"] = iteration,
            ["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 3),
            ["last_checkpoint"] = lastCheckpoint,
        };
        if (stopReason is not null && !interrupted)
        {
            end["stop_reason"] = stopReason;
            Say($"Training stopped early at {(loop.ByEpoch ? $"epoch {epoch}, " : string.Empty)}iteration {iteration}: {stopReason}");
        }

        log.Write(end);
        Say(interrupted
            ? $"Interrupted {(!loop.ByEpoch ? "at" : progress.EpochIteration > 0 ? $"in epoch {epoch + 1}," : $"after epoch {epoch},")} iteration {iteration}; saved {lastCheckpoint}. Continue with --resume {lastCheckpoint}"
            : $"Training finished: {(loop.ByEpoch ? $"{epoch} epoch(s), " : string.Empty)}{iteration} iterations in {FormatSpan(elapsed)}.{(lastCheckpoint is null ? string.Empty : $" Last checkpoint: {lastCheckpoint}.")}{(progress.BestCheckpoint is null ? string.Empty : $" Best: {progress.BestCheckpoint}.")}");
        TrainingCurves.TryWrite(WorkDir, loop.ByEpoch, Say);
        return new TrainingResult(!interrupted, epoch, iteration, WorkDir, lastCheckpoint, progress.BestCheckpoint, lastMetrics, elapsed)
        {
            StopReason = interrupted ? null : stopReason,
        };
    }

    /// <summary>
    /// Evaluates on the test data: the model just trained (its hooks called before and after, so an
    /// EMAHook tests the averaged weights), or, when <paramref name="checkpoint"/> is given, a model
    /// built from the config with that checkpoint's weights (loaded strictly).
    /// </summary>
    /// <param name="checkpoint">The weights to test; the trained model when null.</param>
    /// <param name="tta">
    /// Test-time augmentation, as mmpretrain's <c>tools/test.py --tta</c>: each image is scored under
    /// every view of <c>tta_pipeline</c> (by default the test pipeline with and without a horizontal
    /// flip) and <c>tta_model</c> (by default <c>AverageClsScoreTTA</c>) merges the scores.
    /// </param>
    /// <exception cref="Exception">From the run's origin: the run lacks test_dataloader or test_evaluator.</exception>
    public EvaluationResult Test(string? checkpoint = null, bool tta = false)
    {
        run.RequireTesting();
        Prepare();
        var testsTrainedModel = checkpoint is null;
        if (checkpoint is not null || model is null)
        {
            if (checkpoint is null)
            {
                throw new InvalidOperationException("There is no trained model to test: give a checkpoint.");
            }

            // The training's hooks belong to the model this replaces.
            model?.Dispose();
            ReleaseHooks();
            model = run.BuildModel();

            // Strict and without head adaptation: scoring a checkpoint with a re-initialised head
            // would report chance accuracy as the checkpoint's.
            ModelWeights.Load(model, checkpoint, strict: true);
            model.to(Device!);

            // Built for this test alone (training builds its own), so it can be rewritten for inference.
            InferenceRewrite.Apply(model);
        }

        var numClasses = ClassCount.Of(run);
        var metrics = run.BuildMetrics(RunStage.Test);
        if (numClasses is { } classCount)
        {
            ClassCount.CheckTopk(run, classCount, model, RunDefinition.EvaluatorKey(RunStage.Test), metrics);
        }

        var loader = run.BuildDataLoader(RunStage.Test, run.Seed ?? 0, PinsMemory, numClasses, testTimeAugmentation: tta);
        ReportWarnings(loader, "test");
        var ttaModel = tta ? run.BuildTtaModel() : null;
        if (testsTrainedModel)
        {
            CallHooks(hookPoint!(), (hook, point) => hook.BeforeTestEpoch(point));
        }

        var result = Evaluator.Evaluate(
            model,
            loader,
            metrics,
            Device!,
            (done, total) => ShowProgress("Test", done, total),
            options.Cancellation,
            EvaluationAutocast,
            ttaModel);
        if (testsTrainedModel)
        {
            CallHooks(hookPoint!(), (hook, point) => hook.AfterTestEpoch(point, result.Metrics));
        }

        progressLine.Clear();
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseHooks();
        model?.Dispose();
        model = null;
        optimizer?.Dispose();
        optimizer = null;
    }

    private void ReleaseHooks()
    {
        foreach (var hook in hooks)
        {
            (hook as IDisposable)?.Dispose();
        }

        hooks = [];
        iterationHooks = [];
        hookPoint = null;
    }

    // Calls every hook at one point with one context; the first stop a hook asks for is kept.
    private void CallHooks(HookContext point, Action<Hook, HookContext> call)
    {
        foreach (var hook in hooks)
        {
            call(hook, point);
            NoteStop(hook, point);
        }
    }

    private void NoteStop(Hook hook, HookContext point)
    {
        if (stopReason is null && point.StopReason is { } reason)
        {
            stopReason = $"{hook.GetType().Name}: {reason}";
        }
    }

    // Hook's own AfterTrainIter does nothing; a hook that does not override it need not be called.
    private static bool ListensToIterations(Hook hook) =>
        hook.GetType().GetMethod(nameof(Hook.AfterTrainIter), [typeof(HookContext), typeof(IReadOnlyDictionary<string, double>)])?.DeclaringType != typeof(Hook);

    private void Prepare()
    {
        var runtime = TorchRuntime.EnsureInitialized();
        if (runtime.Warning is { } warning && !runtimeWarned)
        {
            runtimeWarned = true;
            Say(warning);
        }

        // Another runner in this process may have asked for its own count: each run gets its own or the process's.
        torch.set_num_threads(options.Threads ?? runtime.Threads);
        Device ??= DeviceSelector.Resolve(options.Device);
    }

    // Batches for a CUDA model come in pinned memory, so that copies to the GPU can be asynchronous.
    private bool PinsMemory => Device!.type == DeviceType.CUDA;

    // Evaluation runs under autocast in the dtype training uses, when the config trains with AMP.
    private ScalarType? EvaluationAutocast => run.OptimWrapper?.Amp?.DtypeOn(Device!.type);

    private void TrainStep(Batch batch, OptimWrapper optimWrapper, int epoch, int iteration, string? lastCheckpoint, Dictionary<string, double> losses)
    {
        (stepEpoch, stepIteration, stepLastCheckpoint) = (epoch, iteration, lastCheckpoint);
        if (Device!.type == DeviceType.CPU)
        {
            // The loader's tensors are on the CPU already: no copy, and no scope to hold one.
            TrainingStep.Run(losses, optimWrapper, model!, batch.Inputs, batch.Targets, nonFiniteLoss, amp);
            return;
        }

        using var scope = torch.NewDisposeScope();

        // From pinned memory (PinsMemory) a non-blocking copy overlaps with the GPU's work; libtorch
        // keeps the pinned block from reuse until the copy is done, so the batch may be disposed after.
        var nonBlocking = Device!.type == DeviceType.CUDA;
        TrainingStep.Run(
            losses,
            optimWrapper,
            model!,
            batch.Inputs.to(Device!, non_blocking: nonBlocking),
            batch.Targets.to(Device!, non_blocking: nonBlocking),
            nonFiniteLoss,
            amp);
    }

    private IReadOnlyDictionary<string, double> Validate(
        DataLoader loader,
        IReadOnlyList<Metric> metrics,
        TrainingLog log,
        int? shownEpoch,
        int epoch,
        int iteration,
        ref TrainingProgress progress,
        optim.Optimizer optimizer,
        IReadOnlyList<ParamScheduler> schedulers,
        int epochIteration)
    {
        var clock = Stopwatch.StartNew();
        var header = shownEpoch is { } numbered ? $"Epoch(val) [{numbered}]" : "Iter(val)";
        CallHooks(hookPoint!(), (hook, point) => hook.BeforeValEpoch(point));
        var result = Evaluator.Evaluate(model!, loader, metrics, Device!, (done, total) => ShowProgress(header, done, total), autocast: EvaluationAutocast);
        var record = new Dictionary<string, object?> { ["mode"] = "val", ["epoch"] = epoch, ["iter"] = iteration };
        foreach (var (name, value) in result.Metrics)
        {
            record[name] = Math.Round(value, 4);
        }

        // Per-class lists and matrices go to the JSON log and the line, never to TensorBoard's scalars.
        var arrays = result.Arrays.ToDictionary(pair => pair.Key, pair => pair.Value is double[] values ? values.Select(value => Math.Round(value, 4)).ToArray() : (object)pair.Value);
        foreach (var (name, array) in arrays)
        {
            record[name] = array;
        }

        record["time_s"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
        log.Write(record);
        var shown = result.Metrics.Select(pair => $"{pair.Key}: {pair.Value:F4}").Concat(arrays.Select(pair => $"{pair.Key}: {JsonSerializer.Serialize(pair.Value)}"));
        progressLine.WriteLine($"{header}{(shownEpoch is null ? " " : string.Empty)}[{loader.Count}/{loader.Count}]  {string.Join("  ", shown)}");

        // Before the best is chosen, as mmengine's CheckpointHook runs last: an EMAHook has swapped the training weights back.
        CallHooks(hookPoint!(), (hook, point) => hook.AfterValEpoch(point, result.Metrics));
        run.StepSchedulersOnValidation(schedulers, result.Metrics);

        if (run.Checkpoint is { SaveBest: { } saveBest } hook)
        {
            var key = run.SaveBestKey(saveBest, [.. result.Metrics.Keys]);
            var score = result.Metrics[key];

            var greater = hook.Rule is null ? !key.Contains("loss", StringComparison.OrdinalIgnoreCase) : hook.Rule == "greater";
            var better = progress.BestScore is not { } best || (greater ? score > best : score < best);
            if (better)
            {
                var previous = progress.BestCheckpoint;
                var name = $"best_{key.Replace('/', '_')}_{hook.FileName(epoch, iteration)}";
                progress = progress with { Epoch = epoch, Iteration = iteration, EpochIteration = epochIteration, BestScore = score, BestCheckpoint = Path.Combine(WorkDir, name) };
                SaveCheckpoint(name, optimizer, schedulers, progress, periodic: false, updateLast: false);
                if (previous is not null && previous != progress.BestCheckpoint && File.Exists(previous))
                {
                    File.Delete(previous);
                }

                progressLine.WriteLine($"The best checkpoint so far ({key} {score:F4}) is {progress.BestCheckpoint}");
            }
        }

        return result.Metrics;
    }

    private string SaveCheckpoint(string name, optim.Optimizer optimizer, IReadOnlyList<ParamScheduler> schedulers, TrainingProgress progress, bool periodic, bool updateLast = true)
    {
        var path = Path.Combine(WorkDir, name);
        try
        {
            TrainingCheckpoint.Save(
                path,
                model!,
                optimizer,
                schedulers,
                progress,
                classes,
                run.Origin.Text,
                amp?.Scaler,
                hooks.Count == 0 ? null : checkpoint => CallHooks(hookPoint!(), (hook, point) => hook.BeforeSaveCheckpoint(point, checkpoint)));
        }
        catch
        {
            // The writer removes its own temporary file; a sweep also catches one it could not.
            TorchCheckpointWriter.RemoveTemporaryCheckpoints(WorkDir);
            throw;
        }

        if (updateLast)
        {
            WriteAtomically(Path.Combine(WorkDir, LastCheckpointFile), Path.GetFullPath(path));
        }

        // Deleting comes last: a kill before it leaves one file too many, never one too few.
        if (periodic && run.Checkpoint is { MaxKeepCheckpoints: > 0 } hook)
        {
            var doomed = CheckpointRetention.SelectForDeletion(
                CheckpointRetention.Find(WorkDir, epochLengthForRetention), path, epochLengthForRetention, hook.MaxKeepCheckpoints, progress.BestCheckpoint);
            foreach (var old in doomed)
            {
                File.Delete(old);
            }
        }

        return path;
    }

    private static void ScaleLearningRate(optim.Optimizer optimizer, double factor)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate *= factor;
            group.InitialLearningRate *= factor;
        }
    }

    private ResumeCheckpoint.Choice? ResolveResume()
    {
        var asked = options.Resume;
        if (asked is null && run.Resume)
        {
            asked = run.LoadFrom ?? RunnerOptions.ResumeLatest;
        }

        if (asked is null)
        {
            return null;
        }

        if (asked != RunnerOptions.ResumeLatest)
        {
            return File.Exists(asked)
                ? new ResumeCheckpoint.Choice(asked, TorchCheckpointReader.ReadDictionary(asked), null)
                : throw new FileNotFoundException($"The checkpoint to resume from, '{asked}', does not exist.", asked);
        }

        var found = ResumeCheckpoint.Find(WorkDir, LastCheckpointFile);
        if (found is null)
        {
            Say($"No checkpoint to resume from in {WorkDir} (no {LastCheckpointFile}, no .pth file); training from the start.");
        }

        return found;
    }

    // mmengine's LogProcessor header: by epoch, the epoch and the iteration within it (in an
    // iteration-based loop, epoch 1 and the run's iteration, as mmengine shows them); else the run's iteration.
    private static string TrainLogHeader(bool logByEpoch, bool epochLoop, int epoch, int epochIteration, int epochLength, int iteration, int maxIterations) =>
        !logByEpoch ? $"Iter(train) [{iteration}/{maxIterations}]"
        : epochLoop ? $"Epoch(train) [{epoch + 1}][{epochIteration}/{epochLength}]"
        : $"Epoch(train) [1][{iteration}/{epochLength}]";

    private void WriteTrainLog(TrainingLog log, LogWindow window, string header, int epoch, int epochIteration, int iteration, double learningRate, TimeSpan eta)
    {
        var record = new Dictionary<string, object?>
        {
            ["mode"] = "train",
            ["epoch"] = epoch + 1,
            ["iter"] = iteration,
            ["epoch_iter"] = epochIteration,
            ["lr"] = learningRate,
        };
        foreach (var (name, value) in window.MeanLosses())
        {
            record[name] = Math.Round(value, 6);
        }

        record["time"] = Math.Round(window.MeanTime, 5);
        record["data_time"] = Math.Round(window.MeanDataTime, 5);
        record["images_per_s"] = Math.Round(window.ImagesPerSecond, 1);
        log.Write(record);
        var losses = string.Join("  ", window.MeanLosses().Select(pair => $"{pair.Key}: {pair.Value:F4}"));
        progressLine.WriteLine(
            $"{header}  lr: {learningRate:0.0000e+00}  eta: {FormatSpan(eta)}  time: {window.MeanTime:F4}  data_time: {window.MeanDataTime:F4}  images/s: {window.ImagesPerSecond:F0}  {losses}");
    }

    private void ReportWarnings(DataLoader loader, string split)
    {
        foreach (var warning in loader.Dataset.Warnings)
        {
            Say($"warning ({split} data): {warning}");
        }
    }

    private void Say(string text) => progressLine.WriteLine(text);

    // Per evaluation batch: the text is made only when the live line will show it.
    private void ShowProgress(string header, int done, int total)
    {
        if (progressLine.WantsUpdate)
        {
            progressLine.Update($"{header} {ProgressLine.Bar(done, total)} {done}/{total}");
        }
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>The iterations since the last log line: mean losses, times and throughput.</summary>
    private sealed class LogWindow
    {
        private readonly Dictionary<string, double> lossSums = new(StringComparer.Ordinal);
        private readonly Dictionary<string, double> latest = new(StringComparer.Ordinal);
        private int count;
        private long images;
        private double dataTime;
        private double time;

        public double LastLoss { get; private set; }

        public double MeanTime => count == 0 ? 0 : time / count;

        public double MeanDataTime => count == 0 ? 0 : dataTime / count;

        public double ImagesPerSecond => time <= 0 ? 0 : images / time;

        public void Add(Dictionary<string, double> losses, int batchSize, double batchDataTime, double batchTime)
        {
            foreach (var (name, value) in losses)
            {
                // The loss scale is a state, not a per-iteration value: the log shows the latest.
                if (name == TrainingStep.LossScaleKey)
                {
                    latest[name] = value;
                    continue;
                }

                lossSums[name] = lossSums.GetValueOrDefault(name) + value;
            }

            LastLoss = losses.GetValueOrDefault("loss");
            count++;
            images += batchSize;
            dataTime += batchDataTime;
            time += batchTime;
        }

        public IEnumerable<KeyValuePair<string, double>> MeanLosses() =>
            lossSums.OrderBy(pair => pair.Key == "loss" ? 0 : 1).ThenBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new KeyValuePair<string, double>(pair.Key, pair.Value / count))
                .Concat(latest.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }
}
