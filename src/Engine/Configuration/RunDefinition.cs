using ImageClassifier.Data.Loading;
using ImageClassifier.Data.Samplers;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Hooks;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Tta;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// A run as the engine takes it: the model's config and every other section of an mmpretrain
/// config as typed settings. The host binds one from a JSON config; a host app can write one in
/// C# (see <c>docs/hosting.md</c>). The engine reads nothing else.
/// </summary>
/// <remarks>
/// Settings a run does not use may stay null: training needs <see cref="TrainDataloader"/>,
/// <see cref="OptimWrapper"/> and <see cref="TrainLoop"/> (checked by <see cref="RequireTraining"/>),
/// testing <see cref="TestDataloader"/> and <see cref="TestEvaluator"/>.
/// </remarks>
public sealed class RunDefinition
{
    /// <summary><c>model</c>: the classifier's config.</summary>
    public required ComponentConfig Model { get; init; }

    /// <summary><c>train_dataloader</c>, or null.</summary>
    public DataLoaderSettings? TrainDataloader { get; init; }

    /// <summary><c>val_dataloader</c>, or null (no validation).</summary>
    public DataLoaderSettings? ValDataloader { get; init; }

    /// <summary><c>test_dataloader</c>, or null.</summary>
    public DataLoaderSettings? TestDataloader { get; init; }

    /// <summary><c>optim_wrapper</c>, or null.</summary>
    public OptimWrapperSettings? OptimWrapper { get; init; }

    /// <summary><c>param_scheduler</c>, in order.</summary>
    public IReadOnlyList<ComponentConfig<ParamScheduler>> ParamSchedulers { get; init; } = [];

    /// <summary><c>train_cfg</c>, or null.</summary>
    public TrainLoopSettings? TrainLoop { get; init; }

    /// <summary><c>val_evaluator</c>: the validation metrics.</summary>
    public IReadOnlyList<ComponentConfig<Metric>> ValEvaluator { get; init; } = [];

    /// <summary><c>test_evaluator</c>: the test metrics.</summary>
    public IReadOnlyList<ComponentConfig<Metric>> TestEvaluator { get; init; } = [];

    /// <summary><c>tta_model</c>: how a test with test-time augmentation merges the views' scores; <c>AverageClsScoreTTA</c> when null.</summary>
    public ComponentConfig<TtaModel>? TtaModel { get; init; }

    /// <summary>
    /// <c>tta_pipeline</c> as stages of alternatives: a plain transform is a stage of one, and each
    /// list of mmcv's <c>TestTimeAug</c> <c>transforms</c> a stage of its own. Every choice of one
    /// alternative per stage, the first stage varying slowest (itertools.product's order), is a
    /// view. Null for mmpretrain's default: the test pipeline whose last step follows a horizontal
    /// flip in one view and none in the other.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<ComponentConfig<Transform>>>? TtaPipeline { get; init; }

    /// <summary><c>default_hooks.checkpoint</c>; null for no checkpoints.</summary>
    public CheckpointSettings? Checkpoint { get; init; } = CheckpointSettings.Default;

    /// <summary><c>default_hooks.logger.interval</c>: log every this many iterations; null for no progress log.</summary>
    public int? LoggerInterval { get; init; } = 10;

    /// <summary>
    /// <c>log_processor.by_epoch</c>: log lines count epochs (<c>Epoch(train) [2][10/196]</c>) or
    /// iterations (<c>Iter(train) [10/1000]</c>); null counts as the train loop does.
    /// </summary>
    public bool? LogByEpoch { get; init; }

    /// <summary>
    /// The hooks the runner calls at their points: <c>custom_hooks</c>, and any <c>default_hooks</c>
    /// entry that is not one of the runner's own (checkpoint and logger are <see cref="Checkpoint"/>
    /// and <see cref="LoggerInterval"/>).
    /// </summary>
    public IReadOnlyList<ComponentConfig<Hook>> Hooks { get; init; } = [];

    /// <summary>
    /// mmengine's per-entry <c>priority</c> of hooks in <see cref="Hooks"/>, by config (the same
    /// instance), where the config gives one that the hook itself does not declare; it wins over
    /// the hook's own <see cref="Hook.Priority"/>.
    /// </summary>
    public IReadOnlyDictionary<ComponentConfig<Hook>, int> HookPriorities { get; init; } =
        new Dictionary<ComponentConfig<Hook>, int>(ReferenceEqualityComparer.Instance);

    /// <summary><c>randomness.seed</c>; null picks one at random.</summary>
    public int? Seed { get; init; }

    /// <summary><c>work_dir</c>, or null for <c>work_dirs/&lt;config name&gt;</c>.</summary>
    public string? WorkDir { get; init; }

    /// <summary><c>load_from</c>: weights to start from, or null.</summary>
    public string? LoadFrom { get; init; }

    /// <summary><c>resume</c>: continue from <see cref="LoadFrom"/>, or from the last checkpoint in the work dir.</summary>
    public bool Resume { get; init; }

    /// <summary><c>auto_scale_lr.base_batch_size</c> when <c>auto_scale_lr.enable</c> is true, else null.</summary>
    public int? AutoScaleBaseBatchSize { get; init; }

    /// <summary>Where the settings came from: builds the components and places errors.</summary>
    public IRunOrigin Origin { get; init; } = CodeRunOrigin.Instance;

    /// <summary>
    /// Checks that the sections training needs are there, and that what counts in epochs (the
    /// checkpoint hook, the schedulers) fits an iteration-based loop, which has none.
    /// </summary>
    /// <exception cref="Exception">From <see cref="Origin"/>: train_dataloader, optim_wrapper or train_cfg is missing, only one of val_dataloader and val_evaluator is set, or an iteration-based loop has a checkpoint hook or scheduler that counts epochs.</exception>
    public void RequireTraining()
    {
        Require(TrainDataloader, "train_dataloader", "the training data ({\"batch_size\": ..., \"dataset\": {...}})");
        Require(OptimWrapper, "optim_wrapper", "the optimizer ({\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}})");
        Require(TrainLoop, "train_cfg", "the training loop ({\"by_epoch\": true, \"max_epochs\": 10})");
        if ((ValDataloader is null) != (ValEvaluator.Count == 0))
        {
            var missing = ValDataloader is null ? "val_dataloader" : "val_evaluator";
            throw Origin.Error("$." + missing, $"missing: validation needs both val_dataloader and val_evaluator (set {missing}, or set the other to null)");
        }

        if (TrainLoop!.ByEpoch)
        {
            return;
        }

        // mmengine runs an iteration-based loop as one epoch: an epoch-based hook would save once, at the end.
        if (Checkpoint is { ByEpoch: true })
        {
            throw Origin.Error("$.default_hooks.checkpoint.by_epoch", "must be false in an iteration-based run (train_cfg.by_epoch false), so that interval counts iterations and checkpoints are iter_N.pth; with true (CheckpointHook's default) mmengine saves a single epoch_1.pth after the last iteration");
        }

        var schedulers = BuildSchedulers();
        for (var i = 0; i < schedulers.Count; i++)
        {
            try
            {
                schedulers[i].CheckRunUnit(epochBasedRun: false);
            }
            catch (ConfigValueException refusal)
            {
                throw Origin.Error($"$.param_scheduler[{i}].{refusal.Member}", refusal.Message);
            }
        }
    }

    /// <summary>Checks that the sections testing needs are there.</summary>
    /// <exception cref="Exception">From <see cref="Origin"/>: test_dataloader or test_evaluator is missing.</exception>
    public void RequireTesting()
    {
        Require(TestDataloader, "test_dataloader", "the test data ({\"batch_size\": ..., \"dataset\": {...}})");
        if (TestEvaluator.Count == 0)
        {
            throw Origin.Error("$.test_evaluator", "missing: expected the test metrics, such as {\"type\": \"Accuracy\", \"topk\": [1, 5]}");
        }
    }

    /// <summary>The data loader settings of <paramref name="stage"/>, or null.</summary>
    public DataLoaderSettings? DataLoaderOf(RunStage stage) => stage switch
    {
        RunStage.Train => TrainDataloader,
        RunStage.Val => ValDataloader,
        _ => TestDataloader,
    };

    /// <summary>The section key of <paramref name="stage"/>'s data loader, such as <c>train_dataloader</c>.</summary>
    public static string DataLoaderKey(RunStage stage) => stage switch
    {
        RunStage.Train => "train_dataloader",
        RunStage.Val => "val_dataloader",
        _ => "test_dataloader",
    };

    /// <summary>Builds the model.</summary>
    /// <exception cref="Exception">From <see cref="Origin"/>: a component refused its config, or the model is not a classifier.</exception>
    public Classifier BuildModel()
    {
        var built = Origin.Build("$.model", Model);
        if (built is Classifier model)
        {
            return model;
        }

        (built as IDisposable)?.Dispose();
        throw Origin.Error("$.model.type", $"'{Model.TypeName}' is not a classifier, so it cannot be trained or evaluated; use a classifier such as \"ImageClassifier\"");
    }

    /// <summary>Builds the dataset of <paramref name="stage"/> and its loader (reading and checking the dataset's files).</summary>
    /// <param name="stage">Which loader.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="pinMemory">Give batches in pinned memory (for a CUDA device).</param>
    /// <param name="numClasses">The model's class count, which every label must be below (see <see cref="ClassCount"/>); null to check nothing.</param>
    /// <param name="shard">The part of each epoch to read; the whole of it when null.</param>
    /// <param name="testTimeAugmentation">Give the test data in the views of <see cref="BuildTestTimeViews"/> (test only).</param>
    /// <exception cref="InvalidOperationException">The run has no loader for <paramref name="stage"/>, or test-time augmentation is asked for another stage.</exception>
    public DataLoader BuildDataLoader(RunStage stage, int seed, bool pinMemory = false, int? numClasses = null, DataShard? shard = null, bool testTimeAugmentation = false)
    {
        var settings = DataLoaderOf(stage) ?? throw new InvalidOperationException($"The run has no {DataLoaderKey(stage)}.");
        if (testTimeAugmentation && stage != RunStage.Test)
        {
            throw new InvalidOperationException($"Test-time augmentation is for the test data, not {DataLoaderKey(stage)}.");
        }

        var path = "$." + DataLoaderKey(stage);
        var dataset = Build(path + ".dataset", settings.Dataset);
        var sampler = settings.Sampler is null
            ? new DefaultSampler(shuffle: stage == RunStage.Train)
            : Build(path + ".sampler", settings.Sampler);
        return new DataLoader(dataset, settings.BatchSize, sampler, settings.DropLast, seed, settings.PrefetchBatches, pinMemory, numClasses)
        {
            DatasetName = $"{settings.Dataset.TypeName} dataset ({DataLoaderKey(stage)}.dataset)",
            Shard = shard ?? DataShard.Whole,
            Views = testTimeAugmentation ? BuildTestTimeViews() : null,
            Workers = Math.Max(1, settings.NumWorkers),
        };
    }

    /// <summary>
    /// Builds the views of test-time augmentation: one list of transforms per choice of one
    /// alternative in each stage of <see cref="TtaPipeline"/>, or of mmpretrain's default made from
    /// the test pipeline (see <see cref="TtaPipeline"/>).
    /// </summary>
    public List<Transform[]> BuildTestTimeViews()
    {
        var stages = TtaPipeline is { } configured
            ? configured.Select((alternatives, stage) => alternatives.Select((step, alternative) => Build($"$.tta_pipeline[{stage}][{alternative}]", step)).ToArray()).ToList()
            : DefaultTestTimeStages();
        IEnumerable<Transform[]> views = [[]];
        foreach (var alternatives in stages)
        {
            views = views.SelectMany(prefix => alternatives.Select(step => (Transform[])[.. prefix, step]));
        }

        return [.. views];
    }

    // mmpretrain's tools/test.py --tta without tta_pipeline: the test pipeline, its last step after a flip and after none.
    private List<Transform[]> DefaultTestTimeStages()
    {
        var path = $"$.{DataLoaderKey(RunStage.Test)}.dataset.pipeline";
        var test = TestDataloader?.Dataset is { } dataset ? PipelineOf(dataset) : [];
        var stages = test.Select((step, index) => (Transform[])[Build($"{path}[{index}]", step)]).ToList();
        Transform[] flips = [Build(path, new RandomFlipConfig { Prob = 1.0 }), Build(path, new RandomFlipConfig { Prob = 0.0 })];
        stages.Insert(Math.Max(0, stages.Count - 1), flips);
        return stages;
    }

    /// <summary>Builds <see cref="TtaModel"/>, or mmpretrain's default <c>AverageClsScoreTTA</c>.</summary>
    public TtaModel BuildTtaModel() => TtaModel is null ? new AverageClsScoreTta() : Build("$.tta_model", TtaModel);

    /// <summary>
    /// Builds the transforms of the test data (else the validation data), which inference runs
    /// images through as mmpretrain's inferencer does; none when neither is set.
    /// </summary>
    public Transform[] BuildTestPipeline() => BuildPipeline(TestDataloader is not null ? RunStage.Test : RunStage.Val);

    /// <summary>Builds the transforms of <paramref name="stage"/>'s dataset, in order; none when the stage has no data.</summary>
    public Transform[] BuildPipeline(RunStage stage) =>
        DataLoaderOf(stage)?.Dataset is { } dataset
            ? [.. PipelineOf(dataset).Select((step, index) => Build($"$.{DataLoaderKey(stage)}.dataset.pipeline[{index}]", step))]
            : [];

    /// <summary>The transform configs of a dataset config's <c>pipeline</c>; none when it has no pipeline.</summary>
    public static IReadOnlyList<ComponentConfig<Transform>> PipelineOf(ComponentConfig dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);

        // Dataset configs are generated per dataset; the member of the pipeline parameter is found by name.
        return dataset.GetType().GetProperty("Pipeline")?.GetValue(dataset) is IEnumerable<ComponentConfig<Transform>> steps ? [.. steps] : [];
    }

    /// <summary>Builds the optimizer's builder.</summary>
    /// <exception cref="InvalidOperationException">The run has no optim_wrapper.</exception>
    public OptimizerBuilder BuildOptimizer() =>
        Build("$.optim_wrapper.optimizer", (OptimWrapper ?? throw new InvalidOperationException("The run has no optim_wrapper.")).Optimizer);

    /// <summary>
    /// Builds the optimizer over <paramref name="model"/>'s parameters, in the groups that
    /// <c>optim_wrapper.constructor</c> and <c>paramwise_cfg</c> make.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has no optim_wrapper.</exception>
    /// <exception cref="Exception">From <see cref="Origin"/>: the optimizer refuses its config, or the model does not allow the grouping.</exception>
    public optim.Optimizer BuildOptimizer(nn.Module model)
    {
        var builder = BuildOptimizer();
        return builder.Create(GroupParameters(model, builder));
    }

    /// <summary>
    /// <paramref name="model"/>'s parameters in the groups that <c>optim_wrapper.constructor</c> and
    /// <c>paramwise_cfg</c> make, with <paramref name="builder"/>'s learning rate and weight decay as the base.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has no optim_wrapper.</exception>
    /// <exception cref="Exception">From <see cref="Origin"/>: the model does not allow the grouping (a backbone without layer depths, a shared parameter).</exception>
    public IReadOnlyList<ParameterGroup> GroupParameters(nn.Module model, OptimizerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(builder);
        var settings = OptimWrapper ?? throw new InvalidOperationException("The run has no optim_wrapper.");
        try
        {
            return settings.BuildConstructor().Group(model, builder.LearningRate, builder.WeightDecay);
        }
        catch (ConfigValueException refusal)
        {
            throw Origin.Error("$.optim_wrapper." + refusal.Member, refusal.Message);
        }
    }

    /// <summary>Builds the schedulers, in order (not yet attached).</summary>
    public List<ParamScheduler> BuildSchedulers() =>
        [.. ParamSchedulers.Select((scheduler, index) => Build($"$.param_scheduler[{index}]", scheduler))];

    /// <summary>
    /// Builds the schedulers and attaches each to <paramref name="optimizer"/> for a run of
    /// <see cref="TrainLoop"/>'s length, which resolves their ranges.
    /// </summary>
    /// <param name="optimizer">The optimizer whose settings they schedule.</param>
    /// <param name="epochLength">Iterations per epoch of the training data (<see cref="EpochLengthOf"/>).</param>
    /// <exception cref="InvalidOperationException">The run has no train_cfg.</exception>
    /// <exception cref="Exception">From <see cref="Origin"/>: a scheduler refuses its config or its resolved range.</exception>
    public List<ParamScheduler> AttachSchedulers(optim.Optimizer optimizer, int epochLength)
    {
        var loop = TrainLoop ?? throw new InvalidOperationException("The run has no train_cfg.");
        var maxIterations = loop.ByEpoch ? checked(loop.MaxEpochs * epochLength) : loop.MaxIterations;
        var schedulers = BuildSchedulers();
        for (var i = 0; i < schedulers.Count; i++)
        {
            try
            {
                schedulers[i].Attach(optimizer, loop.ByEpoch ? loop.MaxEpochs : null, maxIterations, epochLength);
            }
            catch (ConfigValueException refusal)
            {
                throw Origin.Error($"$.param_scheduler[{i}].{refusal.Member}", refusal.Message);
            }
        }

        return schedulers;
    }

    /// <summary>
    /// Passes a validation's <paramref name="metrics"/> to the schedulers that act on them
    /// (ReduceOnPlateau*), as mmengine's ParamSchedulerHook does after each validation.
    /// </summary>
    /// <param name="schedulers">The run's schedulers, in the order of its <c>param_scheduler</c> list (<see cref="AttachSchedulers"/>).</param>
    /// <param name="metrics">The validation's numbers by name.</param>
    /// <exception cref="Exception">From <see cref="Origin"/>: a scheduler watches a metric the validation does not compute.</exception>
    public void StepSchedulersOnValidation(IReadOnlyList<ParamScheduler> schedulers, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(metrics);
        for (var i = 0; i < schedulers.Count; i++)
        {
            if (!schedulers[i].StepsOnValidation)
            {
                continue;
            }

            try
            {
                schedulers[i].Step(metrics);
            }
            catch (ConfigValueException refusal)
            {
                throw Origin.Error($"$.param_scheduler[{i}].{refusal.Member}", refusal.Message);
            }
        }
    }

    /// <summary>The validation value that <paramref name="saveBest"/> (<c>default_hooks.checkpoint.save_best</c>) names.</summary>
    /// <param name="saveBest">A value name ("accuracy/top1"), or "auto" for the first.</param>
    /// <param name="metricNames">The names of the numbers the validation computes, in order.</param>
    /// <exception cref="Exception">From <see cref="Origin"/>: the validation computes no such number.</exception>
    public string SaveBestKey(string saveBest, IReadOnlyList<string> metricNames)
    {
        ArgumentNullException.ThrowIfNull(saveBest);
        ArgumentNullException.ThrowIfNull(metricNames);
        const string Path = "$.default_hooks.checkpoint.save_best";
        if (saveBest == "auto")
        {
            return metricNames.Count > 0
                ? metricNames[0]
                : throw Origin.Error(Path, "\"auto\" takes the validation's first number, but it computes none (only lists or matrices); name a metric, or add one such as Accuracy to val_evaluator");
        }

        return metricNames.Contains(saveBest, StringComparer.Ordinal)
            ? saveBest
            : throw Origin.Error(Path, $"the validation computes no '{saveBest}'; it computes {string.Join(", ", metricNames.Select(name => $"'{name}'"))}");
    }

    /// <summary>Iterations per epoch of <paramref name="trainLoader"/>.</summary>
    /// <exception cref="Exception">From <see cref="Origin"/>: the training data holds less than one batch, which drop_last drops.</exception>
    public int EpochLengthOf(DataLoader trainLoader)
    {
        ArgumentNullException.ThrowIfNull(trainLoader);
        return trainLoader.Count > 0
            ? trainLoader.Count
            : throw Origin.Error("$.train_dataloader.batch_size", $"the training set has {trainLoader.Dataset.Count} samples, fewer than one batch of {trainLoader.BatchSize} with drop_last: no iteration would run");
    }

    /// <summary>Builds the metrics of <paramref name="stage"/>'s evaluator (<c>val_evaluator</c> or <c>test_evaluator</c>).</summary>
    public List<Metric> BuildMetrics(RunStage stage) =>
        [.. EvaluatorOf(stage).Select((metric, index) => Build($"$.{EvaluatorKey(stage)}[{index}]", metric))];

    /// <summary>Builds <see cref="Hooks"/>, in the order they run: by priority (an entry's own from <see cref="HookPriorities"/> first), then as configured.</summary>
    public List<Hook> BuildHooks() =>
        [.. Hooks
            .Select((config, index) => (Hook: Build($"$.hooks[{index}]", config), Priority: HookPriorities.TryGetValue(config, out var priority) ? (int?)priority : null))
            .OrderBy(entry => entry.Priority ?? entry.Hook.Priority)
            .Select(entry => entry.Hook)];

    /// <summary>The metrics of <paramref name="stage"/>'s evaluator (none for training).</summary>
    public IReadOnlyList<ComponentConfig<Metric>> EvaluatorOf(RunStage stage) => stage switch
    {
        RunStage.Val => ValEvaluator,
        RunStage.Test => TestEvaluator,
        _ => [],
    };

    /// <summary>The section key of <paramref name="stage"/>'s evaluator, such as <c>val_evaluator</c>.</summary>
    public static string EvaluatorKey(RunStage stage) => stage == RunStage.Test ? "test_evaluator" : "val_evaluator";

    private TComponent Build<TComponent>(string path, ComponentConfig<TComponent> config)
        where TComponent : class => (TComponent)Origin.Build(path, config);

    private void Require(object? section, string key, string what)
    {
        if (section is null)
        {
            throw Origin.Error("$." + key, $"missing: expected {what}");
        }
    }
}
