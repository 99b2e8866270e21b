using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Second phase of reading, run only after the whole pickle was accepted: replaces every
/// placeholder in the tree with its value (tensors as strided views of their storage record,
/// numpy arrays as tensors, dtypes as <see cref="ScalarType"/>). Tensors that share a storage
/// record share memory, as they do in PyTorch.
/// </summary>
/// <remarks>The walk is iterative: a pickle can nest lists deeper than the call stack allows.</remarks>
internal sealed class TensorMaterializer : IDisposable
{
    private readonly string? filePath;
    private readonly Func<StorageRef, ScalarType, Tensor> openRecord;
    private readonly Dictionary<(string Key, ScalarType DType), Tensor> records = [];
    private readonly Dictionary<object, object?> converted = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> created = [];

    /// <param name="filePath">The file named in errors.</param>
    /// <param name="openRecord">
    /// Reads the whole record behind a storage as a 1-D CPU tensor of the given dtype; called once
    /// per record and dtype, and the materializer disposes what it returns.
    /// </param>
    public TensorMaterializer(string? filePath, Func<StorageRef, ScalarType, Tensor> openRecord)
    {
        this.filePath = filePath;
        this.openRecord = openRecord;
    }

    /// <summary>The tree with its placeholders replaced; on failure every tensor made so far is disposed.</summary>
    public object? Materialize(object? root)
    {
        try
        {
            var result = Slot(root);
            var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
            var pending = new Stack<object>();
            Visit(result, visited, pending);
            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case Dictionary<string, object?> dictionary:
                        foreach (var key in dictionary.Keys.ToList())
                        {
                            var value = Slot(dictionary[key]);
                            dictionary[key] = value;
                            Visit(value, visited, pending);
                        }

                        break;
                    case List<object?> list:
                        for (var index = 0; index < list.Count; index++)
                        {
                            list[index] = Slot(list[index]);
                            Visit(list[index], visited, pending);
                        }

                        break;
                    case object?[] tuple:
                        for (var index = 0; index < tuple.Length; index++)
                        {
                            tuple[index] = Slot(tuple[index]);
                            Visit(tuple[index], visited, pending);
                        }

                        break;
                }
            }

            return result;
        }
        catch
        {
            foreach (var tensor in created)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    /// <summary>Disposes the storage records; the views handed out keep their memory alive.</summary>
    public void Dispose()
    {
        foreach (var record in records.Values)
        {
            record.Dispose();
        }

        records.Clear();
    }

    private static void Visit(object? value, HashSet<object> visited, Stack<object> pending)
    {
        if (value is Dictionary<string, object?> or List<object?> or object?[] && visited.Add(value))
        {
            pending.Push(value);
        }
    }

    private object? Slot(object? value)
    {
        if (value is not (PendingTensor or StorageRef or PendingNumpyArray or NumpyDtype or PickleGlobal or PythonTimezone))
        {
            return value;
        }

        if (converted.TryGetValue(value, out var done))
        {
            return done;
        }

        object? result = value switch
        {
            PendingTensor tensor => Track(MakeTensor(tensor)),
            StorageRef storage => Track(MakeTensor(new PendingTensor(storage, storage.DType, 0, [storage.ElementCount], [1], false))),
            PendingNumpyArray array => Track(MakeArray(array)),
            NumpyDtype dtype => dtype.ToString(),
            PickleGlobal { Kind: PickleGlobalKind.Dtype, DType: { } dtype } => dtype,
            PickleGlobal global => global.FullName,
            PythonTimezone zone => zone.Offset,
            _ => value,
        };
        converted[value] = result;
        return result;
    }

    private Tensor Track(Tensor tensor)
    {
        created.Add(tensor);
        return tensor;
    }

    private Tensor MakeTensor(PendingTensor pending)
    {
        var storage = pending.Storage;
        if (!TorchDtypes.IsSupported(pending.DType))
        {
            throw Malformed($"a tensor has dtype {pending.DType}, which this reader does not support");
        }

        var record = Record(storage, pending.DType);
        var elementSize = TorchDtypes.ElementSize(pending.DType);
        var storageElementSize = TorchDtypes.ElementSize(storage.DType);

        // Bounds in bytes, in checked 128-bit arithmetic so no size in a file can wrap them around.
        Int128 viewStart, viewEnd, first, end, span = 1;
        var empty = false;
        try
        {
            checked
            {
                var recordBytes = (Int128)record.shape[0] * elementSize;
                viewStart = (Int128)storage.ElementOffset * storageElementSize;
                viewEnd = Int128.Min(recordBytes, viewStart + ((Int128)storage.ElementCount * storageElementSize));
                first = viewStart + ((Int128)pending.StorageOffset * elementSize);
                for (var dimension = 0; dimension < pending.Size.Length; dimension++)
                {
                    empty |= pending.Size[dimension] == 0;
                    span += (Int128)(pending.Size[dimension] - 1) * pending.Stride[dimension];
                }

                end = first + (span * elementSize);
            }
        }
        catch (OverflowException)
        {
            throw Malformed($"a tensor of size ({string.Join(", ", pending.Size)}) and stride ({string.Join(", ", pending.Stride)}) spans more memory than can be addressed");
        }

        if (first % elementSize != 0)
        {
            throw Malformed($"a {TorchDtypes.PythonName(pending.DType)} tensor starts at byte {first} of storage '{storage.Key}', which is not aligned to its elements");
        }

        if (!empty && end > viewEnd)
        {
            throw Malformed(
                $"a tensor of size ({string.Join(", ", pending.Size)}), stride ({string.Join(", ", pending.Stride)}) and offset {pending.StorageOffset} " +
                $"reaches past the end of storage '{storage.Key}' ({viewEnd - viewStart} bytes)");
        }

        var offset = empty ? 0 : (long)(first / elementSize);
        var tensor = record.as_strided(pending.Size, pending.Stride, offset);
        if (pending.RequiresGrad && TorchDtypes.IsFloatingPoint(pending.DType))
        {
            tensor.requires_grad_(true);
        }

        return tensor;
    }

    private Tensor Record(StorageRef storage, ScalarType dtype)
    {
        if (!records.TryGetValue((storage.Key, dtype), out var record))
        {
            record = openRecord(storage, dtype);
            records[(storage.Key, dtype)] = record;
        }

        return record;
    }

    private static Tensor MakeArray(PendingNumpyArray array)
    {
        var dtype = array.Dtype!.TensorType!.Value;
        using var flat = TensorBytes.ReadStorage(new MemoryStream(array.Data!, writable: false), dtype, array.Data!.Length);
        if (!array.FortranOrder || array.Shape.Length < 2)
        {
            return flat.reshape(array.Shape);
        }

        // Fortran order: the bytes hold the transpose, so read them reversed and swap the axes back.
        var reversed = array.Shape.Reverse().ToArray();
        var order = Enumerable.Range(0, reversed.Length).Reverse().Select(axis => (long)axis).ToArray();
        using var transposed = flat.reshape(reversed);
        using var view = transposed.permute(order);
        return view.contiguous();
    }

    private CheckpointFormatException Malformed(string problem) =>
        new(filePath, $"'{PickleAllowList.Display(filePath)}' is not a readable PyTorch checkpoint: {problem}.");
}
