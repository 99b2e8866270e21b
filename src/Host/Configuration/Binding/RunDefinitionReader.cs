using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Samplers;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Hooks;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Preprocessors;
using ImageClassifier.Models.Tta;
using ImageClassifier.Shared.Json;
using ImageClassifier.Shared.Text;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Reads a merged JSON config into the engine's <see cref="RunDefinition"/>: the model, datasets,
/// transforms, samplers, optimizer, schedulers and metrics bound to their typed configs through the
/// catalog (so they share the binding's checks and located errors), and the plain sections
/// (<c>train_cfg</c>, <c>default_hooks</c>, <c>randomness</c>, ...) read as strictly. The run's
/// origin (<see cref="JsonRunOrigin"/>) places every later error at the file, line and column of
/// the value it is about. Nothing is built or loaded here.
/// </summary>
/// <remarks>
/// Accepted and without effect here, so that mmpretrain's configs read unchanged: the JSON
/// variables <c>dataset_type</c>, <c>data_root</c> and <c>*_pipeline</c> (JSON has no references: the
/// dataloaders hold the values), <c>num_workers</c>, <c>persistent_workers</c>, <c>pin_memory</c>,
/// <c>env_cfg</c>, <c>log_level</c>, <c>log_processor</c> but for its <c>by_epoch</c>, <c>visualizer</c>, <c>vis_backends</c>,
/// <c>default_scope</c>, <c>randomness.deterministic</c>, <c>optim_wrapper.clip_grad.foreach</c> and
/// <c>optim_wrapper.paramwise_cfg.dcn_offset_lr_mult</c>. The default hooks are bound like any
/// component; the runner does the work of its own (checkpoint, logger, timer, param_scheduler,
/// sampler_seed, visualization) and calls every other hook at its points.
/// </remarks>
public sealed class RunDefinitionReader
{
    /// <summary>The <c>optim_wrapper.type</c> of mixed precision training.</summary>
    public const string AmpOptimWrapperType = "AmpOptimWrapper";

    /// <summary>The <c>type</c> of mmcv's test-time augmentation step in <c>tta_pipeline</c>.</summary>
    public const string TestTimeAugType = "TestTimeAug";

    private const string NeedsWeightDecay = "multiplies the optimizer's weight_decay, which optim_wrapper.optimizer leaves out (mmengine then refuses or ignores it): set weight_decay there";

    private readonly ConfigDocument document;
    private readonly ConfigBinder binder;
    private readonly ComponentConfig model;
    private CheckpointSettings? checkpoint = CheckpointSettings.Default;
    private int? loggerInterval = 10;
    private bool? logByEpoch;
    private int? seed;
    private int? autoScaleBaseBatchSize;

    // Where configs the run lists apart from their sections were bound: default and custom hooks
    // together, and the alternatives of tta_pipeline's TestTimeAug steps.
    private readonly Dictionary<ComponentConfig, string> boundPaths = new(ReferenceEqualityComparer.Instance);

    private RunDefinitionReader(ConfigDocument document, ConfigBinder binder, ComponentConfig model)
    {
        this.document = document;
        this.binder = binder;
        this.model = model;
    }

    /// <summary>Binds and checks every section a run uses.</summary>
    /// <exception cref="ConfigException">Anything in the config is wrong: unknown keys, wrong kinds, unknown components, bad values.</exception>
    public static RunDefinition Read(ConfigDocument document, ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(catalog);
        var binder = new ConfigBinder(catalog);
        var run = binder.Bind(document);
        if (run.Model is null)
        {
            throw document.CreateException("$.model", "missing: expected the model's config (a classifier such as {\"type\": \"ImageClassifier\", ...})");
        }

        return new RunDefinitionReader(document, binder, run.Model).ReadSections();
    }

    private RunDefinition ReadSections()
    {
        MergeTopLevelPreprocessor();
        var trainDataloader = ReadDataloader("train_dataloader");
        var valDataloader = ReadDataloader("val_dataloader");
        var testDataloader = ReadDataloader("test_dataloader");
        var optimWrapper = ReadOptimWrapper();
        var paramSchedulers = ReadList<ParamScheduler>("param_scheduler");
        var trainLoop = ReadTrainLoop();
        var valEvaluator = ReadList<Metric>("val_evaluator");
        var testEvaluator = ReadList<Metric>("test_evaluator");
        var ttaModel = ConfigSection.Top(document, "tta_model") is null ? null : binder.BindComponent<TtaModel>(document, "$.tta_model");
        var ttaPipeline = ReadTtaPipeline();
        ReadLoopSection("val_cfg", "ValLoop");
        ReadLoopSection("test_cfg", "TestLoop");
        ReadLogProcessor();
        var hooks = ReadHooks();
        ReadRandomness();
        ReadAutoScaleLr();
        if (ReadTopString("launcher") is { } launcher && launcher != "none")
        {
            throw document.CreateException("$.launcher", $"'{launcher}' is not supported: runs are single-process, so launcher must be \"none\"");
        }

        return new RunDefinition
        {
            Model = model,
            TrainDataloader = trainDataloader,
            ValDataloader = valDataloader,
            TestDataloader = testDataloader,
            OptimWrapper = optimWrapper,
            ParamSchedulers = paramSchedulers,
            TrainLoop = trainLoop,
            ValEvaluator = valEvaluator,
            TestEvaluator = testEvaluator,
            TtaModel = ttaModel,
            TtaPipeline = ttaPipeline,
            Checkpoint = checkpoint,
            LoggerInterval = loggerInterval,
            LogByEpoch = logByEpoch,
            Hooks = hooks,
            HookPriorities = ReadHookPriorities(hooks),
            Seed = seed,
            WorkDir = ReadTopString("work_dir"),
            LoadFrom = ReadTopString("load_from"),
            Resume = document.Root.TryGetValue("resume", out var resume) && resume is ConfigBoolean { Value: true },
            AutoScaleBaseBatchSize = autoScaleBaseBatchSize,
            Origin = new JsonRunOrigin(document, binder, boundPaths),
        };
    }

    // mmengine puts a top-level data_preprocessor into the model when the model has none.
    private void MergeTopLevelPreprocessor()
    {
        if (!document.Root.TryGetValue("data_preprocessor", out var value) || value is ConfigNull)
        {
            return;
        }

        var preprocessor = binder.BindComponent<DataPreprocessor>(document, "$.data_preprocessor");
        if (model is not ImageClassifierModelConfig classifier)
        {
            throw document.CreateException("$.data_preprocessor", $"a top-level data_preprocessor is merged into an ImageClassifier model only; put it inside the '{model.TypeName}' model instead");
        }

        classifier.DataPreprocessor ??= preprocessor;
    }

    private DataLoaderSettings? ReadDataloader(string key)
    {
        var section = ConfigSection.Top(document, key);
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

        var dataset = binder.BindComponent<Dataset>(document, section.PathOf("dataset"));
        var sampler = section.Raw("sampler") is null or ConfigNull ? null : binder.BindComponent<Sampler>(document, section.PathOf("sampler"));
        return new DataLoaderSettings
        {
            BatchSize = batchSize,
            Dataset = dataset,
            Sampler = sampler,
            DropLast = dropLast,
            PrefetchBatches = prefetch,
            NumWorkers = numWorkers,
        };
    }

    private OptimWrapperSettings? ReadOptimWrapper()
    {
        var section = ConfigSection.Top(document, "optim_wrapper");
        if (section is null)
        {
            return null;
        }

        var type = section.Expect("type", "optimizer", "clip_grad", "accumulative_counts", "constructor", "paramwise_cfg", "dtype", "loss_scale").Type("OptimWrapper", AmpOptimWrapperType);
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

        var optimizer = binder.BindComponent<OptimizerBuilder>(document, section.PathOf("optimizer"));
        var settings = new OptimWrapperSettings(optimizer, ReadClipGrad(section), amp ? ReadAmp(section) : null)
        {
            AccumulativeCounts = section.Int("accumulative_counts", 1, minimum: 1),
            Constructor = section.OptionalString("constructor") ?? DefaultOptimWrapperConstructor.TypeName,
            Paramwise = ReadParamwise(section),
        };
        try
        {
            settings.BuildConstructor();
        }
        catch (ConfigValueException refusal)
        {
            throw document.CreateException($"{section.Path}.{refusal.Member}", refusal.Message);
        }

        return settings;
    }

    // mmengine passes clip_grad to torch.nn.utils.clip_grad_norm_, or with "type": "value" to
    // clip_grad_value_; their foreach argument only picks torch's kernel.
    private static ClipGradSettings? ReadClipGrad(ConfigSection wrapper)
    {
        if (wrapper.Section("clip_grad") is not { } clip)
        {
            return null;
        }

        var type = clip.Expect("type", "max_norm", "norm_type", "error_if_nonfinite", "clip_value", "foreach").Type("norm", "value");
        clip.Bool("foreach", false);
        var otherKinds = type == "norm" ? new[] { "clip_value" } : ["max_norm", "norm_type", "error_if_nonfinite"];
        if (Array.Find(otherKinds, clip.Has) is { } misplaced)
        {
            throw clip.Error(misplaced, type == "norm"
                ? "'clip_value' is an argument of clipping by value: add \"type\": \"value\", or clip by norm with max_norm"
                : $"'{misplaced}' is an argument of clipping by norm, but clip_grad.type is \"value\", which takes clip_value");
        }

        if (type == "value")
        {
            var clipValue = clip.OptionalDouble("clip_value") ?? throw clip.Error("clip_value", "missing: expected the largest gradient magnitude, such as 1.0");
            return clipValue >= 0 && double.IsFinite(clipValue)
                ? ClipGradSettings.Value(clipValue)
                : throw clip.Error("clip_value", $"must be a finite number >= 0, but is {ConfigSection.Format(clipValue)}");
        }

        var maxNorm = clip.OptionalDouble("max_norm") ?? throw clip.Error("max_norm", "missing: expected the largest gradient norm, such as 35");
        if (!(maxNorm > 0))
        {
            throw clip.Error("max_norm", $"must be greater than 0, but is {ConfigSection.Format(maxNorm)}");
        }

        // Python configs write float('inf') for the largest magnitude; JSON has no such number.
        var normType = clip.Raw("norm_type") is ConfigString { Value: "inf" } ? double.PositiveInfinity : clip.OptionalDouble("norm_type") ?? 2.0;
        if (!(normType > 0))
        {
            throw clip.Error("norm_type", $"must be a number greater than 0 or \"inf\", but is {ConfigSection.Format(normType)}");
        }

        return new ClipGradSettings { MaxNorm = maxNorm, NormType = normType, ErrorIfNonfinite = clip.Bool("error_if_nonfinite", false) };
    }

    // mmengine's DefaultOptimWrapperConstructor and mmpretrain's LearningRateDecayOptimWrapperConstructor
    // read these keys; an empty paramwise_cfg is none, as there.
    private ParamwiseSettings? ReadParamwise(ConfigSection wrapper)
    {
        if (wrapper.Section("paramwise_cfg") is not { } paramwise || paramwise.Node.Members.Length == 0)
        {
            return null;
        }

        string[] decayKeys = ["bias_decay_mult", "norm_decay_mult", "dwconv_decay_mult", "flat_decay_mult"];
        paramwise.Expect([.. decayKeys, "bias_lr_mult", "custom_keys", "bypass_duplicate", "dcn_offset_lr_mult", "layer_decay_rate"]);

        // Read for its kind only: no model here has the deformable convolutions it acts on.
        paramwise.OptionalDouble("dcn_offset_lr_mult");

        // The multipliers multiply the optimizer's weight_decay; mmengine refuses them when the
        // optimizer's config leaves it out (its base_wd is None), where ours would take the default.
        var setsWeightDecay = wrapper.Section("optimizer")!.Has("weight_decay");
        if (!setsWeightDecay && Array.Find(decayKeys, paramwise.Has) is { } decayKey)
        {
            throw paramwise.Error(decayKey, NeedsWeightDecay);
        }

        var customKeys = new List<CustomKeySettings>();
        if (paramwise.Section("custom_keys") is { } keys)
        {
            foreach (var member in keys.Node.Members)
            {
                // Keys are parts of parameter names (".pos_embed"), so their paths may need quoting.
                var entryPath = JsonPathText.Member(keys.Path, member.Name);
                if (member.Value is not ConfigObject entry)
                {
                    throw document.CreateException(entryPath, $"expected an object such as {{\"lr_mult\": 0.1, \"decay_mult\": 0}}, but found {ConfigSection.Describe(member.Value)}");
                }

                var custom = new ConfigSection(document, entryPath, entry).Expect("lr_mult", "decay_mult");
                if (custom.Has("decay_mult") && !setsWeightDecay)
                {
                    throw custom.Error("decay_mult", NeedsWeightDecay);
                }

                customKeys.Add(new CustomKeySettings(member.Name, custom.OptionalDouble("lr_mult"), custom.OptionalDouble("decay_mult")));
            }
        }

        return new ParamwiseSettings
        {
            BiasLrMult = paramwise.OptionalDouble("bias_lr_mult"),
            BiasDecayMult = paramwise.OptionalDouble("bias_decay_mult"),
            NormDecayMult = paramwise.OptionalDouble("norm_decay_mult"),
            DwconvDecayMult = paramwise.OptionalDouble("dwconv_decay_mult"),
            FlatDecayMult = paramwise.OptionalDouble("flat_decay_mult"),
            CustomKeys = customKeys,
            BypassDuplicate = paramwise.Bool("bypass_duplicate", false),
            LayerDecayRate = paramwise.OptionalDouble("layer_decay_rate"),
        };
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

    private IReadOnlyList<ComponentConfig<TKind>> ReadList<TKind>(string key)
        where TKind : class
    {
        if (!document.Root.TryGetValue(key, out var value) || value is ConfigNull)
        {
            return [];
        }

        if (value is ConfigObject)
        {
            return [binder.BindComponent<TKind>(document, "$." + key)];
        }

        if (value is ConfigArray array)
        {
            return [.. array.Items.Select((_, index) => binder.BindComponent<TKind>(document, $"$.{key}[{index}]"))];
        }

        throw document.CreateException("$." + key, $"expected an object or a list of objects, but found {value.KindDescription}");
    }

    private TrainLoopSettings? ReadTrainLoop()
    {
        var section = ConfigSection.Top(document, "train_cfg");
        if (section is null)
        {
            return null;
        }

        section.Expect("type", "by_epoch", "max_epochs", "max_iters", "val_interval", "val_begin", "dynamic_intervals");
        var type = section.Type("EpochBasedTrainLoop", "IterBasedTrainLoop");
        var byEpoch = section.Bool("by_epoch", type == "EpochBasedTrainLoop");
        if (section.Has("type") && byEpoch != (type == "EpochBasedTrainLoop"))
        {
            throw section.Error("by_epoch", $"{(byEpoch ? "true" : "false")} contradicts type '{type}'; give one of them (mmengine takes only one)");
        }

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

        return new TrainLoopSettings(byEpoch, maxEpochs, maxIterations, valInterval, valBegin, ReadDynamicIntervals(section));
    }

    // mmengine's [(milestone, interval), ...], as JSON lists of two numbers.
    private static List<(int Milestone, int Interval)>? ReadDynamicIntervals(ConfigSection section)
    {
        const string Key = "dynamic_intervals";
        const string Expected = "a list of [milestone, interval] pairs with increasing milestones, such as [[10, 2], [20, 1]]";
        switch (section.Raw(Key))
        {
            case null or ConfigNull:
                return null;
            case ConfigArray pairs:
                var changes = new List<(int Milestone, int Interval)>();
                for (var i = 0; i < pairs.Items.Length; i++)
                {
                    if (pairs.Items[i] is not ConfigArray { Items: [ConfigNumber milestone, ConfigNumber interval] }
                        || !milestone.TryGetInt64(out var start) || !interval.TryGetInt64(out var every)
                        || start is < 0 or > int.MaxValue || every is < 1 or > int.MaxValue
                        || (changes.Count > 0 && start <= changes[^1].Milestone))
                    {
                        throw section.Error($"{Key}[{i}]", $"expected {Expected} (milestones 0 or more, intervals at least 1), but found {ConfigSection.Describe(pairs.Items[i])}");
                    }

                    changes.Add(((int)start, (int)every));
                }

                return changes;
            case var other:
                throw section.Error(Key, $"expected {Expected}, but found {ConfigSection.Describe(other)}");
        }
    }

    private void ReadLogProcessor()
    {
        if (ConfigSection.Top(document, "log_processor") is { } section)
        {
            section.Expect("type", "window_size", "by_epoch", "custom_cfg", "num_digits", "log_with_hierarchy", "mean_pattern").Type("LogProcessor");
            logByEpoch = section.Has("by_epoch") ? section.Bool("by_epoch", true) : null;
        }
    }

    private void ReadLoopSection(string key, string type)
    {
        if (ConfigSection.Top(document, key) is { } section)
        {
            section.Expect("type", "fp16").Type(type);
        }
    }

    // The roles of mmengine's default hooks and the hook each takes; the runner does their work.
    private static readonly Dictionary<string, string> StandardHooks = new(StringComparer.Ordinal)
    {
        ["checkpoint"] = "CheckpointHook",
        ["logger"] = "LoggerHook",
        ["timer"] = "IterTimerHook",
        ["param_scheduler"] = "ParamSchedulerHook",
        ["sampler_seed"] = "DistSamplerSeedHook",
        ["visualization"] = "VisualizationHook",
    };

    // default_hooks by role and custom_hooks in order, bound through the catalog like any
    // component; a hook that is not one of the runner's own joins the run's hooks.
    // mmengine's runner takes "priority" off any hook entry; a hook that declares its own binds it instead.
    private Dictionary<ComponentConfig<Hook>, int> ReadHookPriorities(List<ComponentConfig<Hook>> hooks)
    {
        var priorities = new Dictionary<ComponentConfig<Hook>, int>(ReferenceEqualityComparer.Instance);
        foreach (var hook in hooks)
        {
            var path = $"{boundPaths[hook]}.{KindWideMembers.HookPriority}";
            if (hook.GetType().GetProperty(nameof(Hook.Priority)) is not null || !document.TryGetNode(path, out var node))
            {
                continue;
            }

            object? value = node switch
            {
                ConfigString text => text.Value,
                ConfigNumber { IsInteger: true } number when long.TryParse(number.Literal, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer) => integer,
                _ => null,
            };
            priorities[hook] = Hook.ParsePriority(value)
                ?? throw document.CreateException(path, ConfigMessages.Mismatch($"one of mmengine's priority names ({string.Join(", ", Hook.PriorityNames.Keys.Select(MessageText.JsonQuote))}) or an integer from 0 to 100", ValueDescriber.Found(node)));
        }

        return priorities;
    }

    private List<ComponentConfig<Hook>> ReadHooks()
    {
        var hooks = new List<ComponentConfig<Hook>>();
        if (ConfigSection.Top(document, "default_hooks") is { } defaults)
        {
            foreach (var member in defaults.Node.Members)
            {
                var key = member.Name;
                var path = defaults.PathOf(key);
                if (member.Value is ConfigNull)
                {
                    checkpoint = key == "checkpoint" ? null : checkpoint;
                    loggerInterval = key == "logger" ? null : loggerInterval;
                    continue;
                }

                var hook = binder.BindComponent<Hook>(document, path);
                boundPaths[hook] = path;
                var role = StandardHooks.FirstOrDefault(pair => pair.Value == hook.TypeName).Key;
                if (role is null)
                {
                    hooks.Add(hook);
                }
                else if (role != key)
                {
                    throw document.CreateException(path, $"{hook.TypeName} is the '{role}' hook: put it under default_hooks.{role}");
                }
                else if (hook is CheckpointHookConfig)
                {
                    checkpoint = ((CheckpointHook)binder.BuildComponent(document, path, hook)).Settings;
                }
                else if (hook is LoggerHookConfig)
                {
                    loggerInterval = ((LoggerHook)binder.BuildComponent(document, path, hook)).Interval;
                }
            }
        }

        var custom = ReadList<Hook>("custom_hooks");
        for (var i = 0; i < custom.Count; i++)
        {
            boundPaths[custom[i]] = document.Root.TryGetValue("custom_hooks", out var node) && node is ConfigArray ? $"$.custom_hooks[{i}]" : "$.custom_hooks";
        }

        hooks.AddRange(custom);
        return hooks;
    }

    // mmcv's TestTimeAug has a list of lists, which no component parameter holds: its alternatives
    // are bound one by one, each at its own place, and every step becomes a stage of them.
    private IReadOnlyList<IReadOnlyList<ComponentConfig<Transform>>>? ReadTtaPipeline()
    {
        const string Key = "tta_pipeline";
        if (!document.Root.TryGetValue(Key, out var value) || value is not ConfigArray steps)
        {
            return null;
        }

        var stages = new List<IReadOnlyList<ComponentConfig<Transform>>>();
        for (var i = 0; i < steps.Items.Length; i++)
        {
            var path = $"$.{Key}[{i}]";
            if (steps.Items[i] is not ConfigObject step || !step.TryGetValue(ConfigBinder.TypeKey, out var type) || type is not ConfigString { Value: TestTimeAugType })
            {
                var transform = binder.BindComponent<Transform>(document, path);
                boundPaths[transform] = path;
                stages.Add([transform]);
                continue;
            }

            var section = new ConfigSection(document, path, step).Expect(ConfigBinder.TypeKey, "transforms");
            if (section.Raw("transforms") is not ConfigArray lists || lists.Items.Length == 0)
            {
                throw section.Error("transforms", "expected a non-empty list of lists of transforms, one list of alternatives per stage, such as [[{\"type\": \"RandomFlip\", \"prob\": 1.0}, {\"type\": \"RandomFlip\", \"prob\": 0.0}], [{\"type\": \"PackInputs\"}]]");
            }

            for (var j = 0; j < lists.Items.Length; j++)
            {
                var listPath = $"{section.PathOf("transforms")}[{j}]";
                if (lists.Items[j] is not ConfigArray alternatives || alternatives.Items.Length == 0)
                {
                    throw document.CreateException(listPath, $"expected a non-empty list of transforms (the alternatives of this stage), but found {ConfigSection.Describe(lists.Items[j])}");
                }

                var stage = new List<ComponentConfig<Transform>>();
                for (var k = 0; k < alternatives.Items.Length; k++)
                {
                    var alternative = binder.BindComponent<Transform>(document, $"{listPath}[{k}]");
                    boundPaths[alternative] = $"{listPath}[{k}]";
                    stage.Add(alternative);
                }

                stages.Add(stage);
            }
        }

        return stages;
    }

    private void ReadRandomness()
    {
        if (ConfigSection.Top(document, "randomness") is { } section)
        {
            section.Expect("seed", "deterministic", "diff_rank_seed");
            seed = section.OptionalInt("seed", minimum: 0);
            section.Bool("deterministic", false);
            section.Bool("diff_rank_seed", false);
        }
    }

    private void ReadAutoScaleLr()
    {
        if (ConfigSection.Top(document, "auto_scale_lr") is { } section)
        {
            section.Expect("base_batch_size", "enable");
            var baseBatchSize = section.RequiredInt("base_batch_size", minimum: 1);
            autoScaleBaseBatchSize = section.Bool("enable", false) ? baseBatchSize : null;
        }
    }

    private string? ReadTopString(string key) =>
        document.Root.TryGetValue(key, out var value) && value is ConfigString text ? text.Value : null;
}
