using System.Globalization;
using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Schedulers;
using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Checkpoints;

/// <summary>
/// Whole training checkpoints in mmengine's layout, written with torch.save's format so that
/// PyTorch reads them: <c>meta</c> (epoch, iter, seed, <c>dataset_meta.classes</c>, the config),
/// <c>state_dict</c> (the model, mmpretrain's keys), <c>optimizer</c>, <c>param_schedulers</c>,
/// <c>message_hub</c> (the best score) and <c>rng_state</c> (libtorch's CPU generator); a mixed
/// precision run adds its loss scaler under <c>optimizer.loss_scaler</c>. Files are
/// written atomically: a failure leaves the previous file as it was.
/// </summary>
/// <remarks>
/// The optimizer's state is TorchSharp's own serialisation (a byte string under
/// <c>optimizer.torchsharp_state</c>), not PyTorch's optimizer dict: mmpretrain can load the
/// weights of these files, but not resume from them.
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>Where a mixed precision run's loss scaler state goes, under <c>optimizer</c> (as mmengine's AmpOptimWrapper saves it).</summary>
    public const string LossScalerKey = "loss_scaler";

    /// <summary>Writes a checkpoint.</summary>
    /// <param name="path">The file; written atomically.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="schedulers">The attached schedulers, in config order.</param>
    /// <param name="progress">Where the run stands.</param>
    /// <param name="classes">The class names (dataset_meta.classes).</param>
    /// <param name="config">The merged config as JSON, kept for reference; null to leave out.</param>
    /// <param name="scaler">The loss scaler of a mixed precision run, saved as <c>optimizer.loss_scaler</c> (mmengine's place); null for none.</param>
    /// <param name="beforeWrite">Sees the checkpoint's entries last and may change them (the hooks' <c>before_save_checkpoint</c>); null for none.</param>
    public static void Save(
        string path,
        nn.Module model,
        optim.Optimizer optimizer,
        IReadOnlyList<ParamScheduler> schedulers,
        TrainingProgress progress,
        IReadOnlyList<string> classes,
        string? config,
        GradScaler? scaler = null,
        Action<IDictionary<string, object?>>? beforeWrite = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(classes);
        using var scope = torch.NewDisposeScope();
        var meta = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["epoch"] = (long)progress.Epoch,
            ["iter"] = (long)progress.Iteration,
            ["epoch_iter"] = (long)progress.EpochIteration,
            ["seed"] = (long)progress.Seed,
            ["dataset_meta"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["classes"] = classes.Cast<object?>().ToList() },
            ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        if (config is not null)
        {
            meta["cfg"] = config;
        }

        var optimizerState = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = optimizer.GetType().Name,
            ["torchsharp_state"] = SerializeOptimizer(optimizer),
        };
        if (scaler is not null)
        {
            optimizerState[LossScalerKey] = scaler.StateDict();
        }

        var checkpoint = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["meta"] = meta,
            ["state_dict"] = model.state_dict(),
            ["optimizer"] = optimizerState,
            ["param_schedulers"] = schedulers.Select(scheduler => (object?)scheduler.StateDict()).ToList(),
            ["message_hub"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["best_score"] = progress.BestScore,
                ["best_ckpt"] = progress.BestCheckpoint,
            },
            ["rng_state"] = torch.get_rng_state(),
        };
        beforeWrite?.Invoke(checkpoint);
        TorchCheckpointWriter.Write(path, checkpoint);
    }

    /// <summary>
    /// Restores a run from <paramref name="path"/>: the model's weights (strictly), the optimizer's
    /// state, the schedulers' counters, libtorch's random generator and, when both the checkpoint
    /// and the run have one, the loss scaler's scale and growth tracker.
    /// </summary>
    /// <returns>Where the run stood.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a checkpoint.</exception>
    /// <exception cref="InvalidDataException">The file is a checkpoint, but not a training checkpoint of this config.</exception>
    public static TrainingProgress Restore(string path, nn.Module model, optim.Optimizer optimizer, IReadOnlyList<ParamScheduler> schedulers, GradScaler? scaler = null)
    {
        // No dispose scope here: the optimizer's restored state tensors must outlive this call.
        var checkpoint = TorchCheckpointReader.ReadDictionary(path);
        try
        {
            return Restore(path, checkpoint, model, optimizer, schedulers, scaler);
        }
        finally
        {
            CheckpointTrees.DisposeTensors(checkpoint);
        }
    }

    /// <summary>As <see cref="Restore(string, nn.Module, optim.Optimizer, IReadOnlyList{ParamScheduler}, GradScaler?)"/>, from a checkpoint already read from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is a checkpoint, but not a training checkpoint of this config.</exception>
    public static TrainingProgress Restore(string path, Dictionary<string, object?> checkpoint, nn.Module model, optim.Optimizer optimizer, IReadOnlyList<ParamScheduler> schedulers, GradScaler? scaler = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedulers);
        var stateDict = StateDictLoader.SelectStateDict(checkpoint);
        StateDictLoader.Load(model, stateDict, strict: true);

        var meta = Section(checkpoint, "meta", path);
        if (checkpoint.GetValueOrDefault("optimizer") is not Dictionary<string, object?> optimizerState
            || optimizerState.GetValueOrDefault("torchsharp_state") is not byte[] bytes)
        {
            throw new InvalidDataException($"'{path}' has model weights but no optimizer state written by icls, so training cannot resume from it; use load_from to start from its weights instead.");
        }

        DeserializeOptimizer(optimizer, bytes, path);

        // A checkpoint of a full-precision run starts the scaler afresh; a run without a scaler ignores a saved one.
        if (scaler is not null && optimizerState.GetValueOrDefault(LossScalerKey) is Dictionary<string, object?> scalerState)
        {
            try
            {
                scaler.LoadStateDict(scalerState);
            }
            catch (InvalidDataException error)
            {
                throw new InvalidDataException($"'{path}': optimizer.{LossScalerKey}: {error.Message}", error);
            }
        }

        var states = checkpoint.GetValueOrDefault("param_schedulers") as List<object?> ?? [];
        if (states.Count != schedulers.Count)
        {
            throw new InvalidDataException($"'{path}' was written with {states.Count} parameter scheduler(s), but the config has {schedulers.Count}: the param_scheduler list changed since.");
        }

        for (var i = 0; i < schedulers.Count; i++)
        {
            schedulers[i].LoadStateDict(states[i] as Dictionary<string, object?> ?? throw new InvalidDataException($"'{path}': param_schedulers[{i}] is not a scheduler state."));
        }

        if (checkpoint.GetValueOrDefault("rng_state") is Tensor rng)
        {
            torch.set_rng_state(rng);
        }

        var hub = checkpoint.GetValueOrDefault("message_hub") as Dictionary<string, object?>;
        return new TrainingProgress(
            Epoch: ReadInt(meta, "epoch", path),
            Iteration: ReadInt(meta, "iter", path),
            EpochIteration: meta.ContainsKey("epoch_iter") ? ReadInt(meta, "epoch_iter", path) : 0,
            Seed: ReadInt(meta, "seed", path),
            BestScore: hub?.GetValueOrDefault("best_score") is { } score ? Convert.ToDouble(score, CultureInfo.InvariantCulture) : null,
            BestCheckpoint: hub?.GetValueOrDefault("best_ckpt") as string);
    }

    /// <summary>The seed a training checkpoint records (meta.seed), or null.</summary>
    public static int? ReadSeed(IReadOnlyDictionary<string, object?> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return checkpoint.GetValueOrDefault("meta") is Dictionary<string, object?> meta && meta.GetValueOrDefault("seed") is long seed
            ? (int)seed
            : null;
    }

    /// <summary>The class names a checkpoint records (meta.dataset_meta.classes), or null.</summary>
    public static IReadOnlyList<string>? ReadClasses(IReadOnlyDictionary<string, object?> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return checkpoint.GetValueOrDefault("meta") is Dictionary<string, object?> meta
            && meta.GetValueOrDefault("dataset_meta") is Dictionary<string, object?> datasetMeta
            && datasetMeta.GetValueOrDefault("classes") is IEnumerable<object?> classes
                ? [.. classes.Select(name => name?.ToString() ?? string.Empty)]
                : null;
    }

    private static byte[] SerializeOptimizer(optim.Optimizer optimizer)
    {
        var helper = optimizer as OptimizerHelper
            ?? throw new NotSupportedException($"The optimizer {optimizer.GetType().Name} cannot save its state.");
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            helper.save_state_dict(writer);
        }

        return stream.ToArray();
    }

    private static void DeserializeOptimizer(optim.Optimizer optimizer, byte[] bytes, string path)
    {
        var helper = optimizer as OptimizerHelper
            ?? throw new NotSupportedException($"The optimizer {optimizer.GetType().Name} cannot load a state.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            helper.load_state_dict(reader);
        }
        catch (Exception error) when (error is InvalidDataException or ArgumentException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"'{path}': the optimizer state does not fit this config's optimizer and model ({error.Message}).", error);
        }
    }

    private static Dictionary<string, object?> Section(Dictionary<string, object?> checkpoint, string key, string path) =>
        checkpoint.GetValueOrDefault(key) as Dictionary<string, object?>
        ?? throw new InvalidDataException($"'{path}' has no '{key}' section: it is not a training checkpoint written by icls.");

    private static int ReadInt(Dictionary<string, object?> section, string key, string path) =>
        section.GetValueOrDefault(key) is { } value and (long or int)
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"'{path}': meta.{key} is missing or not an integer.");
}
