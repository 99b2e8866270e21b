using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Loading;
using ImageClassifier.Data.Samplers;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Engine.Amp;
using ImageClassifier.Hosting.Engine.Optimizers;
using ImageClassifier.Hosting.Engine.Schedulers;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Preprocessors;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Engine.Configuration;

/// <summary>
/// A run config read for the engine: the model, datasets, transforms, samplers, optimizer,
/// schedulers and metrics bound to their typed configs through the catalog (so they share the
/// binding's checks and located errors), and the plain sections (<c>train_cfg</c>,
/// <c>default_hooks</c>, <c>randomness</c>, ...) read as strictly. Nothing is built or loaded
/// until a <c>Build*</c> method is called.
/// </summary>
/// <remarks>
/// Accepted and without effect here, so that mmpretrain's configs read unchanged: the JSON
/// variables <c>dataset_type</c>, <c>data_root</c> and <c>*_pipeline</c> (JSON has no references: the
/// dataloaders hold the values), <c>num_workers</c>, <c>persistent_workers</c>, <c>pin_memory</c>,
/// <c>env_cfg</c>, <c>log_level</c>, <c>log_processor</c>, <c>visualizer</c>, <c>vis_backends</c>,
/// <c>default_scope</c>, <c>randomness.deterministic</c> and the timer, param_scheduler,
/// sampler_seed and visualization hooks, whose work the runner does itself.
/// </remarks>
public sealed class EngineConfig
{
    private const string TrainDataloaderKey = "train_dataloader";
    private const string ValDataloaderKey = "val_dataloader";
    private const string TestDataloaderKey = "test_dataloader";

    /// <summary>The <c>optim_wrapper.type</c> of mixed precision training.</summary>
    public const string AmpOptimWrapperType = "AmpOptimWrapper";

    private EngineConfig(ConfigDocument document, ConfigBinder binder, RunConfig run)
    {
        Document = document;
        Binder = binder;
        Run = run;
    }

    /// <summary>The merged config.</summary>
    public ConfigDocument Document { get; }

    /// <summary>The binder the components were bound with.</summary>
    public ConfigBinder Binder { get; }

    /// <summary>The bound run config.</summary>
    public RunConfig Run { get; }

    /// <summary>The model's config.</summary>
    public ComponentConfig Model => Run.Model!;

    /// <summary><c>train_dataloader</c>, or null.</summary>
    public DataLoaderSettings? TrainDataloader { get; private set; }

    /// <summary><c>val_dataloader</c>, or null.</summary>
    public DataLoaderSettings? ValDataloader { get; private set; }

    /// <summary><c>test_dataloader</c>, or null.</summary>
    public DataLoaderSettings? TestDataloader { get; private set; }

    /// <summary><c>optim_wrapper</c>, or null.</summary>
    public OptimWrapperSettings? OptimWrapper { get; private set; }

    /// <summary>The <c>param_scheduler</c> entries, in order, with their JSON paths.</summary>
    public IReadOnlyList<(string Path, ComponentConfig<ParamScheduler> Config)> ParamSchedulers { get; private set; } = [];

    /// <summary><c>train_cfg</c>, or null.</summary>
    public TrainLoopSettings? TrainLoop { get; private set; }

    /// <summary>The <c>val_evaluator</c> metrics, with their JSON paths.</summary>
    public IReadOnlyList<(string Path, ComponentConfig<Metric> Config)> ValEvaluator { get; private set; } = [];

    /// <summary>The <c>test_evaluator</c> metrics, with their JSON paths.</summary>
    public IReadOnlyList<(string Path, ComponentConfig<Metric> Config)> TestEvaluator { get; private set; } = [];

    /// <summary><c>default_hooks.checkpoint</c>; null when set to null (no checkpoints).</summary>
    public CheckpointSettings? Checkpoint { get; private set; } = CheckpointSettings.Default;

    /// <summary><c>default_hooks.logger.interval</c>: log every this many iterations; null when the logger is set to null.</summary>
    public int? LoggerInterval { get; private set; } = 10;

    /// <summary><c>randomness.seed</c>; null picks one at random.</summary>
    public int? Seed { get; private set; }

    /// <summary><c>work_dir</c>, or null.</summary>
    public string? WorkDir { get; private set; }

    /// <summary><c>load_from</c>: weights to start from, or null.</summary>
    public string? LoadFrom { get; private set; }

    /// <summary><c>resume</c>: continue from load_from, or from the last checkpoint in the work dir.</summary>
    public bool Resume { get; private set; }

    /// <summary><c>auto_scale_lr.base_batch_size</c> when <c>auto_scale_lr.enable</c> is true, else null.</summary>
    public int? AutoScaleBaseBatchSize { get; private set; }

    /// <summary>Binds and checks every section the engine uses.</summary>
    /// <exception cref="ConfigException">Anything in the config is wrong: unknown keys, wrong kinds, unknown components, bad values.</exception>
    public static EngineConfig Read(ConfigDocument document, ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(catalog);
        var binder = new ConfigBinder(catalog);
        var run = binder.Bind(document);
        if (run.Model is null)
        {
            throw document.CreateException("$.model", "missing: expected the model's config (a classifier such as {\"type\": \"ImageClassifier\", ...})");
        }

        var config = new EngineConfig(document, binder, run);
        config.ReadSections();
        return config;
    }

    /// <summary>Checks that the sections training needs are there.</summary>
    /// <exception cref="ConfigException">train_dataloader, optim_wrapper or train_cfg is missing, or only one of val_dataloader and val_evaluator is set.</exception>
    public void RequireTraining()
    {
        Require(TrainDataloader, TrainDataloaderKey, "the training data ({\"batch_size\": ..., \"dataset\": {...}})");
        Require(OptimWrapper, "optim_wrapper", "the optimizer ({\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}})");
        Require(TrainLoop, "train_cfg", "the training loop ({\"by_epoch\": true, \"max_epochs\": 10})");
        if ((ValDataloader is null) != (ValEvaluator.Count == 0))
        {
            var missing = ValDataloader is null ? ValDataloaderKey : "val_evaluator";
            throw Document.CreateException("$." + missing, $"missing: validation needs both val_dataloader and val_evaluator (set {missing}, or set the other to null)");
        }
    }

    /// <summary>Checks that the sections testing needs are there.</summary>
    /// <exception cref="ConfigException">test_dataloader or test_evaluator is missing.</exception>
    public void RequireTesting()
    {
        Require(TestDataloader, TestDataloaderKey, "the test data ({\"batch_size\": ..., \"dataset\": {...}})");
        if (TestEvaluator.Count == 0)
        {
            throw Document.CreateException("$.test_evaluator", "missing: expected the test metrics, such as {\"type\": \"Accuracy\", \"topk\": [1, 5]}");
        }
    }

    /// <summary>Builds the model.</summary>
    /// <exception cref="ConfigException">A component refused its config.</exception>
    /// <exception cref="InvalidOperationException">The model is not a classifier.</exception>
    public Classifier BuildModel()
    {
        var built = Binder.BuildComponent(Document, "$." + RunConfigSection.ModelKey, Model);
        if (built is Classifier classifier)
        {
            return classifier;
        }

        (built as IDisposable)?.Dispose();
        throw Document.CreateException("$.model.type", $"'{Model.TypeName}' is not a classifier, so it cannot be trained or evaluated; use a classifier such as \"ImageClassifier\"");
    }

    /// <summary>Builds a dataset and its loader (reading and checking the dataset's files).</summary>
    /// <param name="settings">The section.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="training">Shuffle by default (a training loader).</param>
    /// <param name="pinMemory">Give batches in pinned memory (for a CUDA device), whatever the section's <c>pin_memory</c> says.</param>
    /// <param name="numClasses">The model's class count, which every label must be below (see <see cref="ClassCount"/>); null to check nothing.</param>
    /// <exception cref="ConfigException">A component refused its config.</exception>
    public DataLoader BuildDataLoader(DataLoaderSettings settings, int seed, bool training, bool pinMemory = false, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dataset = Binder.BuildComponent(Document, settings.Path + ".dataset", settings.Dataset);
        var sampler = settings.Sampler is null
            ? new DefaultSampler(shuffle: training)
            : Binder.BuildComponent(Document, settings.Path + ".sampler", settings.Sampler);
        return new DataLoader(dataset, settings.BatchSize, sampler, settings.DropLast, seed, settings.PrefetchBatches, pinMemory, numClasses)
        {
            DatasetName = $"{settings.Dataset.TypeName} dataset ({settings.Path.TrimStart('$', '.')}.dataset)",
        };
    }

    /// <summary>Builds the optimizer's builder.</summary>
    /// <exception cref="ConfigException">The optimizer refused its config.</exception>
    public OptimizerBuilder BuildOptimizer() =>
        Binder.BuildComponent(Document, "$.optim_wrapper.optimizer", OptimWrapper!.Optimizer);

    /// <summary>Builds the schedulers, in order (not yet attached).</summary>
    /// <exception cref="ConfigException">A scheduler refused its config.</exception>
    public List<ParamScheduler> BuildSchedulers() =>
        [.. ParamSchedulers.Select(entry => Binder.BuildComponent(Document, entry.Path, entry.Config))];

    /// <summary>Builds the metrics of <paramref name="evaluator"/>.</summary>
    /// <exception cref="ConfigException">A metric refused its config.</exception>
    public List<Metric> BuildMetrics(IReadOnlyList<(string Path, ComponentConfig<Metric> Config)> evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return [.. evaluator.Select(entry => Binder.BuildComponent(Document, entry.Path, entry.Config))];
    }

    /// <summary>An error at <paramref name="jsonPath"/> (for problems found while running, such as a resolved scheduler range).</summary>
    public ConfigException CreateException(string jsonPath, string detail) => Document.CreateException(jsonPath, detail);

    private void Require(object? section, string key, string what)
    {
        if (section is null)
        {
            throw Document.CreateException("$." + key, $"missing: expected {what}");
        }
    }

    private void ReadSections()
    {
        MergeTopLevelPreprocessor();
        TrainDataloader = ReadDataloader(TrainDataloaderKey);
        ValDataloader = ReadDataloader(ValDataloaderKey);
        TestDataloader = ReadDataloader(TestDataloaderKey);
        OptimWrapper = ReadOptimWrapper();
        ParamSchedulers = ReadList<ParamScheduler>("param_scheduler");
        TrainLoop = ReadTrainLoop();
        ValEvaluator = ReadList<Metric>("val_evaluator");
        TestEvaluator = ReadList<Metric>("test_evaluator");
        ReadLoopSection("val_cfg", "ValLoop");
        ReadLoopSection("test_cfg", "TestLoop");
        ReadHooks();
        ReadRandomness();
        ReadAutoScaleLr();
        WorkDir = ReadTopString("work_dir");
        LoadFrom = ReadTopString("load_from");
        Resume = Document.Root.TryGetValue("resume", out var resume) && resume is ConfigBoolean { Value: true };
        if (Document.Root.TryGetValue("custom_hooks", out var hooks) && hooks is ConfigArray { Items.Length: > 0 })
        {
            throw Document.CreateException("$.custom_hooks", "custom hooks are not supported yet; remove them or set custom_hooks to []");
        }

        if (ReadTopString("launcher") is { } launcher && launcher != "none")
        {
            throw Document.CreateException("$.launcher", $"'{launcher}' is not supported: runs are single-process, so launcher must be \"none\"");
        }
    }

    // mmengine puts a top-level data_preprocessor into the model when the model has none.
    private void MergeTopLevelPreprocessor()
    {
        if (!Document.Root.TryGetValue("data_preprocessor", out var value) || value is ConfigNull)
        {
            return;
        }

        var preprocessor = Binder.BindComponent<DataPreprocessor>(Document, "$.data_preprocessor");
        if (Model is not ImageClassifierModelConfig model)
        {
            throw Document.CreateException("$.data_preprocessor", $"a top-level data_preprocessor is merged into an ImageClassifier model only; put it inside the '{Model.TypeName}' model instead");
        }

        model.DataPreprocessor ??= preprocessor;
    }

    private DataLoaderSettings? ReadDataloader(string key)
    {
        var section = ConfigSection.Top(Document, key);
        if (section is null)
        {
            return null;
        }

        section.Expect("batch_size", "num_workers", "drop_last", "prefetch_factor", "persistent_workers", "pin_memory", "collate_fn", "sampler", "dataset");
        var batchSize = section.RequiredInt("batch_size", minimum: 1);
        var numWorkers = section.Int("num_workers", 0, minimum: 0);
        var dropLast = section.Bool("drop_last", false);
        var prefetch = section.Int("prefetch_factor", 2, minimum: 1);
        section.Bool("persistent_workers", false);
        section.Bool("pin_memory", false);
        if (section.Section("collate_fn") is { } collate)
        {
            collate.Expect("type").Type("default_collate", "pseudo_collate");
        }

        if (!section.Has("dataset"))
        {
            throw section.Error("dataset", "missing: expected the dataset's config, such as {\"type\": \"FashionMNIST\", \"data_root\": \"...\", \"split\": \"train\"}");
        }

        var dataset = Binder.BindComponent<Dataset>(Document, section.PathOf("dataset"));
        var sampler = section.Raw("sampler") is null or ConfigNull ? null : Binder.BindComponent<Sampler>(Document, section.PathOf("sampler"));
        return new DataLoaderSettings(section.Path, batchSize, dropLast, prefetch, numWorkers, dataset, sampler);
    }

    private OptimWrapperSettings? ReadOptimWrapper()
    {
        var section = ConfigSection.Top(Document, "optim_wrapper");
        if (section is null)
        {
            return null;
        }

        var type = section.Expect("type", "optimizer", "clip_grad", "dtype", "loss_scale").Type("OptimWrapper", AmpOptimWrapperType);
        var amp = type == AmpOptimWrapperType;
        if (!amp)
        {
            foreach (var key in new[] { "dtype", "loss_scale" })
            {
                if (section.Has(key))
                {
                    throw section.Error(key, $"'{key}' is a setting of mixed precision training: set optim_wrapper.type to \"{AmpOptimWrapperType}\" (or train with --amp), or remove '{key}'");
                }
            }
        }

        if (!section.Has("optimizer"))
        {
            throw section.Error("optimizer", "missing: expected the optimizer's config, such as {\"type\": \"SGD\", \"lr\": 0.1, \"momentum\": 0.9}");
        }

        var optimizer = Binder.BindComponent<OptimizerBuilder>(Document, section.PathOf("optimizer"));
        double? maxNorm = null;
        var normType = 2.0;
        if (section.Section("clip_grad") is { } clip)
        {
            clip.Expect("max_norm", "norm_type");
            maxNorm = clip.OptionalDouble("max_norm") ?? throw clip.Error("max_norm", "missing: expected the largest gradient norm, such as 35");
            normType = clip.OptionalDouble("norm_type") ?? 2.0;
            if (!(maxNorm > 0))
            {
                throw clip.Error("max_norm", $"must be greater than 0, but is {ConfigSection.Format(maxNorm.Value)}");
            }

        }

        return new OptimWrapperSettings(optimizer, maxNorm, normType, amp ? ReadAmp(section) : null);
    }

    // mmengine's AmpOptimWrapper: dtype and loss_scale (PyTorch GradScaler's arguments).
    private static AmpSettings ReadAmp(ConfigSection section)
    {
        ScalarType? dtype = section.OptionalString("dtype") switch
        {
            null => null,
            "float16" => ScalarType.Float16,
            "bfloat16" => ScalarType.BFloat16,
            "float32" or "float64" => throw section.Error("dtype", $"\"{section.OptionalString("dtype")}\" would leave nothing to mixed precision; expected \"float16\" or \"bfloat16\" (for full precision set optim_wrapper.type to \"OptimWrapper\")"),
            var other => throw section.Error("dtype", $"must be \"float16\" or \"bfloat16\" (or left out for float16 on CUDA, bfloat16 on the CPU), but is \"{other}\""),
        };

        return new AmpSettings(dtype, ReadLossScale(section));
    }

    private static LossScaleSettings? ReadLossScale(ConfigSection section)
    {
        const string Key = "loss_scale";
        const string Expected = "\"dynamic\", a number (a static scale) or an object such as {\"init_scale\": 65536, \"growth_interval\": 2000}";
        switch (section.Raw(Key))
        {
            case null or ConfigNull:
                return LossScaleSettings.DynamicDefault;
            case ConfigString { Value: "dynamic" }:
                return LossScaleSettings.DynamicDefault;
            case ConfigString text:
                throw section.Error(Key, $"expected {Expected}, but found the string \"{text.Value}\"");
            case ConfigNumber:
                var scale = section.OptionalDouble(Key)!.Value;
                return IsUsableScale(scale)
                    ? LossScaleSettings.Static(scale)
                    : throw section.Error(Key, $"a static loss scale must be a positive number float32 can hold, but is {ConfigSection.Format(scale)}");
            case ConfigObject:
                var settings = section.Section(Key)!;
                settings.Expect("init_scale", "growth_factor", "backoff_factor", "growth_interval", "enabled");
                var initScale = settings.OptionalDouble("init_scale") ?? GradScaler.DefaultInitScale;
                var growthFactor = settings.OptionalDouble("growth_factor") ?? GradScaler.DefaultGrowthFactor;
                var backoffFactor = settings.OptionalDouble("backoff_factor") ?? GradScaler.DefaultBackoffFactor;
                var growthInterval = settings.Int("growth_interval", GradScaler.DefaultGrowthInterval, minimum: 1);
                if (!IsUsableScale(initScale))
                {
                    throw settings.Error("init_scale", $"must be a positive number float32 can hold, but is {ConfigSection.Format(initScale)}");
                }

                if (!(growthFactor > 1) || !double.IsFinite(growthFactor))
                {
                    throw settings.Error("growth_factor", $"must be greater than 1, but is {ConfigSection.Format(growthFactor)}");
                }

                if (!(backoffFactor > 0 && backoffFactor < 1))
                {
                    throw settings.Error("backoff_factor", $"must be between 0 and 1 (exclusive), but is {ConfigSection.Format(backoffFactor)}");
                }

                return settings.Bool("enabled", true) ? new LossScaleSettings(true, initScale, growthFactor, backoffFactor, growthInterval) : null;
            case var other:
                throw section.Error(Key, $"expected {Expected}, but found {ConfigSection.Describe(other)}");
        }

        static bool IsUsableScale(double scale) => scale > 0 && float.IsFinite((float)scale) && (float)scale > 0;
    }

    private IReadOnlyList<(string Path, ComponentConfig<TKind> Config)> ReadList<TKind>(string key)
        where TKind : class
    {
        if (!Document.Root.TryGetValue(key, out var value) || value is ConfigNull)
        {
            return [];
        }

        if (value is ConfigObject)
        {
            var path = "$." + key;
            return [(path, Binder.BindComponent<TKind>(Document, path))];
        }

        if (value is ConfigArray array)
        {
            return [.. array.Items.Select((_, index) =>
            {
                var path = $"$.{key}[{index}]";
                return (path, Binder.BindComponent<TKind>(Document, path));
            })];
        }

        throw Document.CreateException("$." + key, $"expected an object or a list of objects, but found {value.KindDescription}");
    }

    private TrainLoopSettings? ReadTrainLoop()
    {
        var section = ConfigSection.Top(Document, "train_cfg");
        if (section is null)
        {
            return null;
        }

        section.Expect("type", "by_epoch", "max_epochs", "max_iters", "val_interval", "val_begin", "dynamic_intervals");
        var type = section.Type("EpochBasedTrainLoop", "IterBasedTrainLoop");
        var byEpoch = section.Bool("by_epoch", type == "EpochBasedTrainLoop");
        var valInterval = section.Int("val_interval", byEpoch ? 1 : 1000, minimum: 1);
        var valBegin = section.Int("val_begin", 1, minimum: 1);
        int maxEpochs;
        int maxIterations;
        if (byEpoch)
        {
            maxEpochs = section.RequiredInt("max_epochs", minimum: 1);
            maxIterations = 0;
            if (section.Has("max_iters"))
            {
                throw section.Error("max_iters", "an epoch-based loop (by_epoch: true) is as long as max_epochs says; remove max_iters, or set by_epoch to false");
            }
        }
        else
        {
            maxIterations = section.RequiredInt("max_iters", minimum: 1);
            maxEpochs = 0;
            if (section.Has("max_epochs"))
            {
                throw section.Error("max_epochs", "an iteration-based loop (by_epoch: false) is as long as max_iters says; remove max_epochs, or set by_epoch to true");
            }
        }

        return new TrainLoopSettings(byEpoch, maxEpochs, maxIterations, valInterval, valBegin);
    }

    private void ReadLoopSection(string key, string type)
    {
        if (ConfigSection.Top(Document, key) is { } section)
        {
            section.Expect("type", "fp16").Type(type);
        }
    }

    private void ReadHooks()
    {
        var hooks = ConfigSection.Top(Document, "default_hooks");
        if (hooks is null)
        {
            return;
        }

        hooks.Expect("checkpoint", "logger", "timer", "param_scheduler", "sampler_seed", "visualization");
        if (hooks.Raw("checkpoint") is { } checkpointNode)
        {
            Checkpoint = checkpointNode is ConfigNull ? null : ReadCheckpoint(hooks.Section("checkpoint")!);
        }

        if (hooks.Raw("logger") is { } loggerNode)
        {
            if (loggerNode is ConfigNull)
            {
                LoggerInterval = null;
            }
            else
            {
                var logger = hooks.Section("logger")!;
                logger.Expect("type", "interval", "ignore_last", "interval_exp_name", "log_metric_by_epoch", "keep_local").Type("LoggerHook");
                LoggerInterval = logger.Int("interval", 10, minimum: 1);
            }
        }

        ReadPassiveHook(hooks, "timer", "IterTimerHook");
        ReadPassiveHook(hooks, "param_scheduler", "ParamSchedulerHook");
        ReadPassiveHook(hooks, "sampler_seed", "DistSamplerSeedHook");
        ReadPassiveHook(hooks, "visualization", "VisualizationHook", "enable", "interval", "show", "wait_time", "draw_gt", "draw_pred");
    }

    private static void ReadPassiveHook(ConfigSection hooks, string key, string type, params string[] ignored)
    {
        if (hooks.Section(key) is { } hook)
        {
            hook.Expect(["type", .. ignored]).Type(type);
        }
    }

    private static CheckpointSettings ReadCheckpoint(ConfigSection section)
    {
        section.Expect("type", "interval", "max_keep_ckpts", "save_last", "save_best", "rule", "by_epoch", "save_optimizer", "save_param_scheduler").Type("CheckpointHook");
        var interval = section.Int("interval", -1);
        var maxKeep = section.Int("max_keep_ckpts", -1);
        var saveLast = section.Bool("save_last", true);
        var saveBest = section.OptionalString("save_best");
        var rule = section.OptionalString("rule");
        if (rule is not (null or "greater" or "less"))
        {
            throw section.Error("rule", $"must be \"greater\" or \"less\", but is \"{rule}\"");
        }

        section.Bool("by_epoch", true);
        section.Bool("save_optimizer", true);
        section.Bool("save_param_scheduler", true);
        return new CheckpointSettings(interval, maxKeep, saveBest, rule, saveLast);
    }

    private void ReadRandomness()
    {
        if (ConfigSection.Top(Document, "randomness") is { } section)
        {
            section.Expect("seed", "deterministic", "diff_rank_seed");
            Seed = section.OptionalInt("seed", minimum: 0);
            section.Bool("deterministic", false);
            section.Bool("diff_rank_seed", false);
        }
    }

    private void ReadAutoScaleLr()
    {
        if (ConfigSection.Top(Document, "auto_scale_lr") is { } section)
        {
            section.Expect("base_batch_size", "enable");
            var baseBatchSize = section.RequiredInt("base_batch_size", minimum: 1);
            AutoScaleBaseBatchSize = section.Bool("enable", false) ? baseBatchSize : null;
        }
    }

    private string? ReadTopString(string key) =>
        Document.Root.TryGetValue(key, out var value) && value is ConfigString text ? text.Value : null;
}
