using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Initialization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Weights;

/// <summary>
/// Loads and saves a model's weights in mmpretrain's checkpoint files. A load that fine-tunes
/// (<c>adaptHead</c>: <c>load_from</c>, <c>init_cfg: Pretrained</c>) adapts the head as timm does:
/// when a classifier layer under <c>head.</c> has another class count in the checkpoint than in
/// the model, its tensors are skipped, the layer is initialised afresh and a
/// <see cref="HeadAdaptation"/> says so. Every other load treats that as the mismatch it is:
/// testing or serving a 10-class checkpoint with a 5-class model would score random weights.
/// </summary>
public static class ModelWeights
{
    /// <summary>The field holding a classifier's head: keys under it are candidates for head adaptation.</summary>
    public const string HeadPrefix = "head.";

    // Enough key names to recognise the model a checkpoint belongs to, without a wall of text.
    private const int FewNames = 5;

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/> (mmpretrain's <c>{"meta", "state_dict"}</c>,
    /// a bare state dict, DataParallel's <c>module.</c> keys) and loads it into <paramref name="model"/>.
    /// </summary>
    /// <param name="model">The model, usually an <c>ImageClassifier</c> (keys <c>backbone.*</c>, <c>head.*</c>).</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="prefix">Load only the entries under this prefix, without it ("backbone" into a backbone).</param>
    /// <param name="strict">Throw when anything but an adapted head is missing, unexpected or mis-shaped; nothing is loaded then.</param>
    /// <param name="adaptHead">Fine-tuning: skip and re-initialise a head layer whose class count differs, instead of treating it as a mismatch.</param>
    /// <exception cref="CheckpointFormatException">The file is not a usable checkpoint.</exception>
    /// <exception cref="StateDictLoadException">
    /// Strict loading failed, the prefix selected nothing, or (not strict) no tensor of the checkpoint
    /// fits the model; the message names the file, and the keys and shapes that differ.
    /// </exception>
    public static WeightsLoadResult Load(nn.Module model, string path, string? prefix = null, bool strict = false, bool adaptHead = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        using var scope = torch.NewDisposeScope();
        var checkpoint = TorchCheckpointReader.Read(path);
        try
        {
            var stateDict = StateDictLoader.SelectStateDict(checkpoint, prefix);
            return Load(model, stateDict, strict, adaptHead);
        }
        catch (StateDictLoadException error)
        {
            throw new StateDictLoadException($"'{path}': {error.Message}", error.Report);
        }
    }

    /// <summary>Loads <paramref name="stateDict"/> (keys as in <c>model.state_dict()</c>) into <paramref name="model"/>, adapting the head.</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="stateDict">Name to tensor; the tensors are copied, not kept.</param>
    /// <param name="strict">Throw when anything but an adapted head is missing, unexpected or mis-shaped; nothing is loaded then.</param>
    /// <param name="adaptHead">Fine-tuning: skip and re-initialise a head layer whose class count differs, instead of treating it as a mismatch.</param>
    /// <exception cref="StateDictLoadException">Strict loading failed, or (not strict) no tensor of a non-empty state dict fits the model.</exception>
    public static WeightsLoadResult Load(nn.Module model, IReadOnlyDictionary<string, Tensor> stateDict, bool strict = false, bool adaptHead = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = model.state_dict();
        List<ClassCountChange> changes = adaptHead ? FindClassCountChanges(own, stateDict) : [];
        var skipped = changes.SelectMany(change => change.Keys.Select(key => key.Name)).ToHashSet(StringComparer.Ordinal);

        // The skipped keys are loaded from the model itself (a no-op copy), so that strict loading
        // neither misses them nor sees a shape mismatch, and refuses only real disagreements.
        var adapted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in stateDict)
        {
            adapted[name] = skipped.Contains(name) ? own[name] : tensor;
        }

        var report = StateDictLoader.Load(model, adapted, strict);
        var loaded = report.LoadedCount - skipped.Count;

        // A checkpoint of another model "loads" with zero tensors and the run silently starts from
        // scratch; that is never what a user who named the checkpoint meant.
        if (loaded == 0 && stateDict.Count > 0)
        {
            var nothing = report with { LoadedCount = 0 };
            throw new StateDictLoadException(
                $"None of the checkpoint's {stateDict.Count} tensors fits the model's {own.Count}: {nothing.Describe(FewNames)}{Environment.NewLine}Check that the checkpoint belongs to this model (or use a prefix such as 'backbone.').",
                nothing);
        }

        var adaptations = changes
            .Select(change => new HeadAdaptation(change.Module, change.CheckpointClasses, change.ModelClasses, WeightInitialization.Reinitialize(model, change.Module), change.Keys))
            .ToList();
        return new WeightsLoadResult(report with { LoadedCount = loaded }, adaptations);
    }

    /// <summary>
    /// Saves <paramref name="model"/> as mmpretrain does, <c>{"meta": meta, "state_dict": OrderedDict}</c>
    /// in torch.save's zip format, so PyTorch's <c>torch.load</c> and mmpretrain read it; or, when
    /// <paramref name="path"/> ends in <c>.safetensors</c>, as a safetensors file whose metadata holds
    /// <paramref name="meta"/> (strings as they are, other values as JSON text).
    /// </summary>
    /// <param name="model">The model whose state dict is saved.</param>
    /// <param name="path">The checkpoint file; written atomically.</param>
    /// <param name="meta">Plain values kept beside the weights (epoch, classes, config...).</param>
    /// <exception cref="ArgumentException">A meta value has no checkpoint encoding.</exception>
    public static void Save(nn.Module model, string path, IReadOnlyDictionary<string, object?>? meta = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        if (SafetensorsFormat.HasExtension(path))
        {
            // safetensors metadata holds strings: other values travel as their JSON text.
            var metadata = meta?.ToDictionary(
                entry => entry.Key,
                entry => entry.Value as string ?? System.Text.Json.JsonSerializer.Serialize(entry.Value),
                StringComparer.Ordinal);
            SafetensorsWriter.Write(path, StateDictLoader.InPyTorchOrder(model), metadata);
            return;
        }

        StateDictLoader.SaveStateDict(model, path, meta);
    }

    // A head layer changes class count when its weight (classes, in, ...) and bias (classes)
    // differ only in the first dimension; every mis-shaped key of that layer must be such a change.
    private static List<ClassCountChange> FindClassCountChanges(Dictionary<string, Tensor> own, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var byModule = new Dictionary<string, List<(string Key, long[] Model, long[] Checkpoint)>>(StringComparer.Ordinal);
        foreach (var (key, found) in stateDict)
        {
            if (!key.StartsWith(HeadPrefix, StringComparison.Ordinal) || !own.TryGetValue(key, out var expected) || expected.shape.SequenceEqual(found.shape))
            {
                continue;
            }

            var dot = key.LastIndexOf('.');
            var module = key[..dot];
            if (!byModule.TryGetValue(module, out var entries))
            {
                byModule[module] = entries = [];
            }

            entries.Add((key, expected.shape, found.shape));
        }

        var changes = new List<ClassCountChange>();
        foreach (var (module, entries) in byModule)
        {
            var classCountOnly = entries.All(entry =>
                entry.Model.Length == entry.Checkpoint.Length
                && entry.Model.Length is 1 or 2
                && entry.Model.Skip(1).SequenceEqual(entry.Checkpoint.Skip(1))
                && (entry.Key.EndsWith(".weight", StringComparison.Ordinal) || entry.Key.EndsWith(".bias", StringComparison.Ordinal)));
            var modelClasses = entries.Select(entry => entry.Model[0]).Distinct().ToList();
            var checkpointClasses = entries.Select(entry => entry.Checkpoint[0]).Distinct().ToList();
            if (classCountOnly && modelClasses.Count == 1 && checkpointClasses.Count == 1)
            {
                changes.Add(new ClassCountChange(module, checkpointClasses[0], modelClasses[0], [.. entries.Select(entry => new ShapeMismatch(entry.Key, entry.Model, entry.Checkpoint))]));
            }
        }

        return changes;
    }

    private sealed record ClassCountChange(string Module, long CheckpointClasses, long ModelClasses, IReadOnlyList<ShapeMismatch> Keys);
}
