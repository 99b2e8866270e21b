using System.Collections.Immutable;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// A bound run config: the typed <c>model</c> and, as located JSON for now, the other top-level
/// sections mmpretrain's configs use (data, optimizer, schedules, loops, hooks, environment).
/// </summary>
/// <remarks>
/// The raw sections keep the file, line and column of every value, so that the code that reads
/// them later reports errors as precisely as the binding does (<see cref="ConfigDocument.CreateException"/>).
/// </remarks>
public sealed class RunConfig
{
    /// <summary>Creates a run config, e.g. from C#.</summary>
    /// <param name="model">The model's config; null when the config has no model section.</param>
    /// <param name="sections">The other sections by key; every key must be a <see cref="RunConfigSection"/> other than "model".</param>
    /// <param name="document">The document the config was bound from, if any.</param>
    /// <exception cref="ArgumentException">A key is not a known section, or is "model".</exception>
    public RunConfig(ComponentConfig? model, IReadOnlyDictionary<string, ConfigNode>? sections = null, ConfigDocument? document = null)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var (key, value) in sections ?? ImmutableDictionary<string, ConfigNode>.Empty)
        {
            if (!RunConfigSection.TryGet(key, out _) || key == RunConfigSection.ModelKey)
            {
                throw new ArgumentException($"'{key}' is not a raw run config section.", nameof(sections));
            }

            builder[key] = value ?? throw new ArgumentException($"The section '{key}' is null; leave it out instead.", nameof(sections));
        }

        Model = model;
        Sections = builder.ToImmutable();
        Document = document;
    }

    /// <summary>The model's config (a classifier, or whatever component "type" names); null when the config has none.</summary>
    public ComponentConfig? Model { get; }

    /// <summary>Every section other than "model" that the config sets, by key.</summary>
    public IReadOnlyDictionary<string, ConfigNode> Sections { get; }

    /// <summary>The document the config was bound from; null for a config made in C#.</summary>
    public ConfigDocument? Document { get; }

    /// <summary>The training data (<c>train_dataloader</c>).</summary>
    public ConfigNode? TrainDataloader => Section("train_dataloader");

    /// <summary>The validation data (<c>val_dataloader</c>).</summary>
    public ConfigNode? ValDataloader => Section("val_dataloader");

    /// <summary>The test data (<c>test_dataloader</c>).</summary>
    public ConfigNode? TestDataloader => Section("test_dataloader");

    /// <summary>The optimizer (<c>optim_wrapper</c>).</summary>
    public ConfigNode? OptimWrapper => Section("optim_wrapper");

    /// <summary>The learning-rate schedule (<c>param_scheduler</c>).</summary>
    public ConfigNode? ParamScheduler => Section("param_scheduler");

    /// <summary>The training loop (<c>train_cfg</c>).</summary>
    public ConfigNode? TrainCfg => Section("train_cfg");

    /// <summary>The validation loop (<c>val_cfg</c>).</summary>
    public ConfigNode? ValCfg => Section("val_cfg");

    /// <summary>The test loop (<c>test_cfg</c>).</summary>
    public ConfigNode? TestCfg => Section("test_cfg");

    /// <summary>The validation metrics (<c>val_evaluator</c>).</summary>
    public ConfigNode? ValEvaluator => Section("val_evaluator");

    /// <summary>The test metrics (<c>test_evaluator</c>).</summary>
    public ConfigNode? TestEvaluator => Section("test_evaluator");

    /// <summary>The standard hooks (<c>default_hooks</c>).</summary>
    public ConfigNode? DefaultHooks => Section("default_hooks");

    /// <summary>Seeds and determinism (<c>randomness</c>).</summary>
    public ConfigNode? Randomness => Section("randomness");

    /// <summary>Where logs and checkpoints go (<c>work_dir</c>).</summary>
    public ConfigNode? WorkDir => Section("work_dir");

    /// <summary>The registry scope (<c>default_scope</c>).</summary>
    public ConfigNode? DefaultScope => Section("default_scope");

    /// <summary>The environment (<c>env_cfg</c>).</summary>
    public ConfigNode? EnvCfg => Section("env_cfg");

    /// <summary>The logging level (<c>log_level</c>).</summary>
    public ConfigNode? LogLevel => Section("log_level");

    /// <summary>The checkpoint to start from (<c>load_from</c>).</summary>
    public ConfigNode? LoadFrom => Section("load_from");

    /// <summary>Whether to resume training (<c>resume</c>).</summary>
    public ConfigNode? Resume => Section("resume");

    /// <summary>The section under <paramref name="key"/>, or null when the config does not set it.</summary>
    public ConfigNode? Section(string key) => Sections.GetValueOrDefault(key);
}
