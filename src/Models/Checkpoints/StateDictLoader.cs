using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Loads state dicts from PyTorch checkpoints into TorchSharp modules, and saves a module in
/// mmpretrain's checkpoint layout, <c>{"meta": {...}, "state_dict": OrderedDict}</c>.
/// </summary>
public static class StateDictLoader
{
    private const string DataParallelPrefix = "module.";

    /// <summary>
    /// Picks the state dict out of a checkpoint read by <see cref="TorchCheckpointReader"/>: its
    /// <c>state_dict</c> entry (mmpretrain, mmengine), else the checkpoint itself when it maps names
    /// to tensors, else its <c>model</c> entry. Keys lose a leading <c>module.</c> when
    /// <paramref name="stripDataParallelPrefix"/> is set; with a <paramref name="prefix"/> only the
    /// keys under it are kept, with the prefix removed.
    /// </summary>
    /// <returns>Name to tensor, in checkpoint order. The tensors are the checkpoint's own.</returns>
    /// <exception cref="CheckpointFormatException">The checkpoint holds no state dict, or an entry of it is not a tensor.</exception>
    /// <exception cref="StateDictLoadException">No key lies under <paramref name="prefix"/>, or two keys become one.</exception>
    public static Dictionary<string, Tensor> SelectStateDict(object? checkpoint, string? prefix = null, bool stripDataParallelPrefix = true)
    {
        var source = FindStateDict(checkpoint);
        var under = string.IsNullOrEmpty(prefix) ? string.Empty : prefix.EndsWith('.') ? prefix : prefix + ".";
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            if (value is not Tensor tensor)
            {
                throw new CheckpointFormatException(null, $"The state dict's entry '{key}' is a {PickleReconstructor.Describe(value)}, not a tensor.");
            }

            var name = stripDataParallelPrefix && key.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? key[DataParallelPrefix.Length..] : key;
            if (under.Length > 0)
            {
                if (!name.StartsWith(under, StringComparison.Ordinal))
                {
                    continue;
                }

                name = name[under.Length..];
            }

            if (!result.TryAdd(name, tensor))
            {
                throw new StateDictLoadException($"The state dict has two entries that both become '{name}' (one with and one without '{DataParallelPrefix}'); load with StripDataParallelPrefix = false.");
            }
        }

        if (under.Length > 0 && result.Count == 0)
        {
            var starts = source.Keys.Select(key => key.Split('.')[0] + ".").Distinct().Take(10);
            throw new StateDictLoadException($"No state-dict key starts with '{under}'. The keys start with: {string.Join(", ", starts)}.");
        }

        return result;
    }

    /// <summary>
    /// Copies the tensors of <paramref name="stateDict"/> into <paramref name="module"/>'s
    /// parameters and buffers with the same names (under no_grad, converting dtype and device),
    /// and reports what did not match. Entries with another shape are reported, not copied.
    /// </summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="stateDict">Name to tensor, names as in <c>module.state_dict()</c>.</param>
    /// <param name="strict">Throw instead of loading when anything is missing, unexpected or mis-shaped; the module is then left untouched.</param>
    /// <exception cref="StateDictLoadException">In strict mode, the keys or shapes differ; the message lists them.</exception>
    public static StateDictLoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        stateDict = ApplyLoadHooks(module, stateDict);
        var expected = module.state_dict();
        var missing = expected.Keys.Where(name => !stateDict.ContainsKey(name)).ToList();
        var unexpected = stateDict.Keys.Where(name => !expected.ContainsKey(name)).ToList();
        var mismatches = new List<ShapeMismatch>();
        var matched = new List<(Tensor Target, Tensor Source)>();
        foreach (var (name, target) in expected)
        {
            if (!stateDict.TryGetValue(name, out var source))
            {
                continue;
            }

            if (target.shape.SequenceEqual(source.shape))
            {
                matched.Add((target, source));
            }
            else
            {
                mismatches.Add(new ShapeMismatch(name, target.shape, source.shape));
            }
        }

        if (strict && (missing.Count > 0 || unexpected.Count > 0 || mismatches.Count > 0))
        {
            var refused = new StateDictLoadReport(missing, unexpected, mismatches, 0);
            throw new StateDictLoadException(
                $"Cannot load the state dict into {module.GetType().Name} strictly; nothing was copied: {refused.Describe()}" +
                $"{Environment.NewLine}Load with strict: false to copy the matching tensors and get this report instead.",
                refused);
        }

        using (torch.no_grad())
        {
            foreach (var (target, source) in matched)
            {
                target.copy_(source);
            }
        }

        return new StateDictLoadReport(missing, unexpected, mismatches, matched.Count);
    }

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/>, picks its state dict (see
    /// <see cref="SelectStateDict"/>) and loads it into <paramref name="module"/>. The
    /// checkpoint's tensors are released afterwards.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is not a usable checkpoint.</exception>
    /// <exception cref="StateDictLoadException">Strict loading failed, or the prefix selected nothing.</exception>
    public static StateDictLoadReport LoadCheckpoint(nn.Module module, string path, StateDictLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        options ??= new StateDictLoadOptions();
        using var scope = torch.NewDisposeScope();
        var checkpoint = TorchCheckpointReader.Read(path);
        var stateDict = SelectStateDict(checkpoint, options.Prefix, options.StripDataParallelPrefix);
        return Load(module, stateDict, options.Strict);
    }

    /// <summary>
    /// Saves <paramref name="module"/> as mmpretrain does: <c>{"meta": meta, "state_dict": OrderedDict}</c>
    /// in torch.save's zip format, atomically (see <see cref="TorchCheckpointWriter.Write(string, object?)"/>).
    /// </summary>
    /// <param name="module">The module whose <c>state_dict()</c> is saved.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="meta">Plain values to keep beside the weights (epoch, classes, config...); empty when null.</param>
    /// <exception cref="ArgumentException">A meta value has no checkpoint encoding.</exception>
    public static void SaveStateDict(nn.Module module, string path, IReadOnlyDictionary<string, object?>? meta = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var checkpoint = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["meta"] = meta is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(meta),
            ["state_dict"] = InPyTorchOrder(module),
        };
        TorchCheckpointWriter.Write(path, checkpoint);
    }

    /// <summary>
    /// The module's state dict in PyTorch's key order: each module's own parameters, then its
    /// buffers, then its children depth-first. (TorchSharp lists every parameter before any
    /// buffer; the order does not matter for loading, but files then read as PyTorch's would.)
    /// </summary>
    internal static OrderedDictionary<string, Tensor> InPyTorchOrder(nn.Module module)
    {
        var stateDict = module.state_dict();
        var ordered = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var pending = new Stack<(string Prefix, nn.Module Module)>();
        pending.Push((string.Empty, module));
        while (pending.Count > 0)
        {
            var (prefix, current) = pending.Pop();
            foreach (var (name, _) in current.named_parameters(false))
            {
                Take(prefix + name);
            }

            foreach (var (name, _) in current.named_buffers(false, true))
            {
                Take(prefix + name);
            }

            foreach (var (name, child) in current.named_children().Reverse())
            {
                pending.Push(($"{prefix}{name}.", child));
            }
        }

        foreach (var (name, tensor) in stateDict)
        {
            ordered.TryAdd(name, tensor);
        }

        return ordered;

        void Take(string name)
        {
            if (stateDict.TryGetValue(name, out var tensor))
            {
                ordered.TryAdd(name, tensor);
            }
        }
    }

    private static Dictionary<string, object?> FindStateDict(object? checkpoint)
    {
        var root = checkpoint switch
        {
            Dictionary<string, object?> dictionary => dictionary,
            IReadOnlyDictionary<string, Tensor> tensors => tensors.ToDictionary(pair => pair.Key, pair => (object?)pair.Value, StringComparer.Ordinal),
            _ => throw new CheckpointFormatException(null, $"A checkpoint is a dictionary, but this one is a {PickleReconstructor.Describe(checkpoint)}."),
        };

        if (root.TryGetValue("state_dict", out var stateDict) && stateDict is Dictionary<string, object?> nested)
        {
            return nested;
        }

        if (root.Count > 0 && root.Values.All(value => value is Tensor))
        {
            return root;
        }

        if (root.TryGetValue("model", out var model) && model is Dictionary<string, object?> modelStateDict)
        {
            return modelStateDict;
        }

        throw new CheckpointFormatException(
            null,
            "The checkpoint holds no state dict: expected a 'state_dict' or 'model' entry, or a dictionary of tensors at its root; " +
            $"its top-level keys are: {string.Join(", ", root.Keys.Take(20))}.");
    }

    // The hooks rewrite a copy: the caller's dictionary is not ours to change.
    private static IReadOnlyDictionary<string, Tensor> ApplyLoadHooks(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var hooks = new List<(IStateDictLoadHook Hook, string Prefix)>();
        if (module is IStateDictLoadHook own)
        {
            hooks.Add((own, string.Empty));
        }

        foreach (var (name, child) in module.named_modules())
        {
            if (name.Length > 0 && child is IStateDictLoadHook hook)
            {
                hooks.Add((hook, name + "."));
            }
        }

        if (hooks.Count == 0)
        {
            return stateDict;
        }

        var rewritten = new Dictionary<string, Tensor>(stateDict, StringComparer.Ordinal);
        foreach (var (hook, prefix) in hooks)
        {
            hook.BeforeLoad(rewritten, prefix);
        }

        return rewritten;
    }
}
