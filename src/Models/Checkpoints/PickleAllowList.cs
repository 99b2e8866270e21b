namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// The globals a checkpoint pickle may name. Each maps to a data-only reconstruction written in
/// C#; nothing named in a file is ever looked up or run. Every other name is refused.
/// </summary>
internal static class PickleAllowList
{
    private static readonly Dictionary<string, PickleGlobalKind> Fixed = new(StringComparer.Ordinal)
    {
        ["collections.OrderedDict"] = PickleGlobalKind.OrderedDict,
        ["torch._utils._rebuild_tensor"] = PickleGlobalKind.RebuildTensor,
        ["torch._utils._rebuild_tensor_v2"] = PickleGlobalKind.RebuildTensorV2,
        ["torch._utils._rebuild_tensor_v3"] = PickleGlobalKind.RebuildTensorV3,
        ["torch._utils._rebuild_parameter"] = PickleGlobalKind.RebuildParameter,
        ["torch._utils._rebuild_parameter_with_state"] = PickleGlobalKind.RebuildParameterWithState,
        ["torch._tensor._rebuild_from_type_v2"] = PickleGlobalKind.RebuildFromTypeV2,
        ["torch.Tensor"] = PickleGlobalKind.TensorClass,
        ["torch._tensor.Tensor"] = PickleGlobalKind.TensorClass,
        ["torch.nn.parameter.Parameter"] = PickleGlobalKind.ParameterClass,
        ["torch.Size"] = PickleGlobalKind.Size,
        // Protocol 2 has no bytes opcode: pickle writes bytes as _codecs.encode(text, "latin1").
        ["_codecs.encode"] = PickleGlobalKind.CodecsEncode,
        ["builtins.bytes"] = PickleGlobalKind.Bytes,
        ["__builtin__.bytes"] = PickleGlobalKind.Bytes,
        // mmengine metas can hold numpy scalars and arrays (numpy 2 renamed numpy.core to numpy._core).
        ["numpy.core.multiarray.scalar"] = PickleGlobalKind.NumpyScalar,
        ["numpy._core.multiarray.scalar"] = PickleGlobalKind.NumpyScalar,
        ["numpy.dtype"] = PickleGlobalKind.NumpyDtype,
        ["numpy.core.multiarray._reconstruct"] = PickleGlobalKind.NumpyReconstruct,
        ["numpy._core.multiarray._reconstruct"] = PickleGlobalKind.NumpyReconstruct,
        ["numpy.ndarray"] = PickleGlobalKind.NumpyArrayClass,
        ["numpy.core.numeric._frombuffer"] = PickleGlobalKind.NumpyFromBuffer,
        ["numpy._core.numeric._frombuffer"] = PickleGlobalKind.NumpyFromBuffer,
        ["datetime.datetime"] = PickleGlobalKind.DateTime,
        ["datetime.date"] = PickleGlobalKind.Date,
        ["datetime.time"] = PickleGlobalKind.Time,
        ["datetime.timedelta"] = PickleGlobalKind.TimeDelta,
        ["datetime.timezone"] = PickleGlobalKind.TimeZone,
    };

    /// <summary>Where a refused name is better known by another module, say so too.</summary>
    private static readonly Dictionary<string, string> KnownAliases = new(StringComparer.Ordinal)
    {
        // os.system is posix.system on Unix and nt.system on Windows; pickle records the latter.
        ["posix"] = "os",
        ["nt"] = "os",
        ["__builtin__"] = "builtins",
    };

    /// <summary>Resolves <paramref name="module"/>.<paramref name="name"/>, or null when it is not allowed.</summary>
    public static PickleGlobal? TryResolve(string module, string name)
    {
        var fullName = $"{module}.{name}";
        if (Fixed.TryGetValue(fullName, out var kind))
        {
            return new PickleGlobal(module, name, kind);
        }

        // torch.FloatStorage, torch.cuda.FloatStorage (old CUDA checkpoints), torch.UntypedStorage,
        // torch.storage.UntypedStorage: all are read into CPU memory.
        if ((module is "torch" or "torch.cuda" or "torch.storage") && TorchDtypes.TryGetStorageType(name, out var storageType))
        {
            return new PickleGlobal(module, name, PickleGlobalKind.StorageClass, storageType);
        }

        if (module == "torch" && TorchDtypes.TryGetDtype(name, out var dtype))
        {
            return new PickleGlobal(module, name, PickleGlobalKind.Dtype, dtype);
        }

        return null;
    }

    /// <summary>The refusal for a name outside the allow-list, raised before anything is rebuilt.</summary>
    public static CheckpointFormatException Refuse(string? filePath, string part, string module, string name)
    {
        var fullName = $"{module}.{name}";
        var alias = KnownAliases.TryGetValue(module, out var better) ? $" ({better}.{name})" : string.Empty;
        var what = module == "torch" && name.EndsWith("Storage", StringComparison.Ordinal)
            ? "a storage type this reader does not support (complex, quantized and unsigned storages beyond uint8 are not read)"
            : "not one of the data-only types a checkpoint needs (tensors, storages, OrderedDict, torch dtypes, numpy scalars and arrays, datetime)";
        return new CheckpointFormatException(
            filePath,
            $"Refused to load '{Display(filePath)}': {part} names the global '{fullName}'{alias}, which is {what}. " +
            "Loading never executes code from a file, so a checkpoint that needs this to be rebuilt is rejected before anything in it is read.")
        {
            RefusedGlobal = fullName,
        };
    }

    public static string Display(string? filePath) => filePath ?? "<memory>";
}
