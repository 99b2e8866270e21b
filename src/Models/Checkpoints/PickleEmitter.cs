using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using static TorchSharp.torch;
using Op = ImageClassifier.Models.Checkpoints.PickleOpcodes;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Writes a checkpoint tree as the protocol-2 pickle torch.save writes, with tensors as
/// <c>torch._utils._rebuild_tensor_v2</c> calls on persistent storage ids. Only opcodes that
/// PyTorch's <c>weights_only</c> unpickler also accepts are used for tensors and containers.
/// The tensors met are collected in <see cref="Storages"/>, in key order, for the caller to write.
/// </summary>
internal sealed class PickleEmitter
{
    private const int MaxDepth = 512;
    private const int BatchSize = 1000; // as CPython batches APPENDS and SETITEMS

    private readonly Stream output;
    private readonly Dictionary<string, int> memo = new(StringComparer.Ordinal);
    private readonly List<Tensor> storages = [];
    private readonly Dictionary<Tensor, int> storageKeys = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> open = new(ReferenceEqualityComparer.Instance);
    private readonly byte[] scratch = new byte[8];

    public PickleEmitter(Stream output)
    {
        this.output = output;
    }

    /// <summary>The tensors written so far; the storage key of each is its index.</summary>
    public IReadOnlyList<Tensor> Storages => storages;

    /// <exception cref="ArgumentException">A value in the tree has no checkpoint encoding.</exception>
    public void Dump(object? root)
    {
        output.WriteByte(Op.Proto);
        output.WriteByte(2);
        Save(root, "checkpoint", 0);
        output.WriteByte(Op.Stop);
    }

    private void Save(object? value, string where, int depth)
    {
        switch (value)
        {
            case null:
                output.WriteByte(Op.None);
                break;
            case bool flag:
                output.WriteByte(flag ? Op.NewTrue : Op.NewFalse);
                break;
            case string text:
                SaveString(text);
                break;
            case Tensor tensor:
                SaveTensor(tensor, where);
                break;
            case byte[] bytes:
                SaveBytes(bytes);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                SaveInteger(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong number:
                SaveInteger(number);
                break;
            case BigInteger number:
                SaveInteger(number);
                break;
            case float number:
                SaveFloat(number);
                break;
            case double number:
                SaveFloat(number);
                break;
            case Half number:
                SaveFloat((double)number);
                break;
            case ScalarType dtype when TorchDtypes.IsSupported(dtype):
                SaveGlobal("torch", TorchDtypes.PythonName(dtype));
                break;
            case IDictionary or ITuple or IList:
                SaveContainer(value, where, depth);
                break;
            default:
                throw Unsupported(where, $"a {value.GetType().Name}");
        }
    }

    private void SaveContainer(object container, string where, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new ArgumentException($"Cannot write {where} to a checkpoint: containers are nested more than {MaxDepth} deep.", "checkpoint");
        }

        if (!open.Add(container))
        {
            throw new ArgumentException($"Cannot write {where} to a checkpoint: it contains itself.", "checkpoint");
        }

        switch (container)
        {
            case IDictionary dictionary:
                SaveDictionary(dictionary, where, depth);
                break;
            case ITuple tuple:
                SaveTuple(Enumerable.Range(0, tuple.Length).Select(index => tuple[index]).ToList(), where, depth);
                break;
            case object?[] items when container.GetType() == typeof(object[]):
                SaveTuple(items, where, depth);
                break;
            case IList list:
                SaveList(list, where, depth);
                break;
        }

        open.Remove(container);
    }

    private void SaveDictionary(IDictionary dictionary, string where, int depth)
    {
        if (IsStateDict(dictionary))
        {
            SaveGlobal("collections", "OrderedDict");
            output.WriteByte(Op.EmptyTuple);
            output.WriteByte(Op.Reduce);
        }
        else
        {
            output.WriteByte(Op.EmptyDict);
        }

        var batch = 0;
        foreach (DictionaryEntry entry in dictionary)
        {
            if (batch == 0)
            {
                output.WriteByte(Op.Mark);
            }

            var key = entry.Key;
            var keyText = key switch
            {
                string text => text,
                sbyte or byte or short or ushort or int or uint or long or ulong or bool => Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture)!,
                _ => throw Unsupported($"{where} key {key}", $"a {key.GetType().Name} key"),
            };
            Save(key, where, depth + 1);
            Save(entry.Value, $"{where}[\"{keyText}\"]", depth + 1);
            if (++batch == BatchSize)
            {
                output.WriteByte(Op.SetItems);
                batch = 0;
            }
        }

        if (batch > 0)
        {
            output.WriteByte(Op.SetItems);
        }
    }

    /// <summary>
    /// State dicts (every value a tensor) are written as collections.OrderedDict, as PyTorch's
    /// Module.state_dict() returns them; so is an explicit OrderedDictionary.
    /// </summary>
    private static bool IsStateDict(IDictionary dictionary)
    {
        var type = dictionary.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(OrderedDictionary<,>))
        {
            return true;
        }

        if (dictionary.Count == 0)
        {
            return false;
        }

        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Value is not Tensor)
            {
                return false;
            }
        }

        return true;
    }

    private void SaveTuple(IReadOnlyList<object?> items, string where, int depth)
    {
        if (items.Count == 0)
        {
            output.WriteByte(Op.EmptyTuple);
            return;
        }

        if (items.Count > 3)
        {
            output.WriteByte(Op.Mark);
        }

        for (var index = 0; index < items.Count; index++)
        {
            Save(items[index], $"{where}[{index}]", depth + 1);
        }

        output.WriteByte(items.Count switch
        {
            1 => Op.Tuple1,
            2 => Op.Tuple2,
            3 => Op.Tuple3,
            _ => Op.Tuple,
        });
    }

    private void SaveList(IList list, string where, int depth)
    {
        output.WriteByte(Op.EmptyList);
        var batch = 0;
        for (var index = 0; index < list.Count; index++)
        {
            if (batch == 0)
            {
                output.WriteByte(Op.Mark);
            }

            Save(list[index], $"{where}[{index}]", depth + 1);
            if (++batch == BatchSize)
            {
                output.WriteByte(Op.Appends);
                batch = 0;
            }
        }

        if (batch > 0)
        {
            output.WriteByte(Op.Appends);
        }
    }

    private void SaveTensor(Tensor tensor, string where)
    {
        var dtype = tensor.dtype;
        if (!TorchDtypes.IsSupported(dtype))
        {
            throw Unsupported(where, $"a tensor of dtype {dtype}");
        }

        if (!storageKeys.TryGetValue(tensor, out var key))
        {
            key = storages.Count;
            storages.Add(tensor);
            storageKeys[tensor] = key;
        }

        var size = tensor.shape;
        var stride = new long[size.Length];
        long step = 1;
        for (var dimension = size.Length - 1; dimension >= 0; dimension--)
        {
            stride[dimension] = step;
            step *= Math.Max(1, size[dimension]);
        }

        SaveGlobal("torch._utils", "_rebuild_tensor_v2");
        output.WriteByte(Op.Mark);
        // Persistent id: ('storage', storage type, key, location, element count).
        output.WriteByte(Op.Mark);
        Remember("str:storage", () => SaveString("storage"));
        SaveGlobal("torch", TorchDtypes.StorageTypeName(dtype));
        SaveString(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Remember("str:cpu", () => SaveString("cpu"));
        SaveInteger(tensor.numel());
        output.WriteByte(Op.Tuple);
        output.WriteByte(Op.BinPersId);
        SaveInteger(0);
        SaveLongs(size);
        SaveLongs(stride);
        // Checkpoints hold data, not autograd state: requires_grad is False, as in state_dict().
        output.WriteByte(Op.NewFalse);
        SaveGlobal("collections", "OrderedDict");
        output.WriteByte(Op.EmptyTuple);
        output.WriteByte(Op.Reduce);
        output.WriteByte(Op.Tuple);
        output.WriteByte(Op.Reduce);
    }

    private void SaveLongs(long[] values)
    {
        output.WriteByte(Op.Mark);
        foreach (var value in values)
        {
            SaveInteger(value);
        }

        output.WriteByte(Op.Tuple);
    }

    private void SaveBytes(byte[] bytes)
    {
        // Protocol 2 has no bytes opcode; CPython writes bytes as _codecs.encode(text, 'latin1').
        if (bytes.Length == 0)
        {
            SaveGlobal("__builtin__", "bytes");
            output.WriteByte(Op.EmptyTuple);
            output.WriteByte(Op.Reduce);
            return;
        }

        SaveGlobal("_codecs", "encode");
        SaveString(Encoding.Latin1.GetString(bytes));
        Remember("str:latin1", () => SaveString("latin1"));
        output.WriteByte(Op.Tuple2);
        output.WriteByte(Op.Reduce);
    }

    private void SaveInteger(long value)
    {
        if (value is >= 0 and <= byte.MaxValue)
        {
            output.WriteByte(Op.BinInt1);
            output.WriteByte((byte)value);
        }
        else if (value is >= 0 and <= ushort.MaxValue)
        {
            output.WriteByte(Op.BinInt2);
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)value);
            output.Write(scratch, 0, 2);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            output.WriteByte(Op.BinInt);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, (int)value);
            output.Write(scratch, 0, 4);
        }
        else
        {
            SaveInteger(new BigInteger(value));
        }
    }

    private void SaveInteger(BigInteger value)
    {
        if (value >= int.MinValue && value <= int.MaxValue)
        {
            SaveInteger((long)value);
            return;
        }

        var bytes = value.ToByteArray(); // little-endian two's complement, as LONG1 wants
        if (bytes.Length <= byte.MaxValue)
        {
            output.WriteByte(Op.Long1);
            output.WriteByte((byte)bytes.Length);
        }
        else
        {
            output.WriteByte(Op.Long4);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, bytes.Length);
            output.Write(scratch, 0, 4);
        }

        output.Write(bytes);
    }

    private void SaveFloat(double value)
    {
        output.WriteByte(Op.BinFloat);
        BinaryPrimitives.WriteDoubleBigEndian(scratch, value);
        output.Write(scratch, 0, 8);
    }

    private void SaveString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.WriteByte(Op.BinUnicode);
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)bytes.Length);
        output.Write(scratch, 0, 4);
        output.Write(bytes);
    }

    private void SaveGlobal(string module, string name) =>
        Remember($"global:{module}.{name}", () =>
        {
            output.WriteByte(Op.Global);
            output.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        });

    /// <summary>Writes a repeated constant once and recalls it from the memo afterwards, as pickle does.</summary>
    private void Remember(string memoKey, Action write)
    {
        if (memo.TryGetValue(memoKey, out var index))
        {
            WriteMemoOp(index, Op.BinGet, Op.LongBinGet);
            return;
        }

        write();
        index = memo.Count;
        memo[memoKey] = index;
        WriteMemoOp(index, Op.BinPut, Op.LongBinPut);
    }

    private void WriteMemoOp(int index, byte shortCode, byte longCode)
    {
        if (index <= byte.MaxValue)
        {
            output.WriteByte(shortCode);
            output.WriteByte((byte)index);
        }
        else
        {
            output.WriteByte(longCode);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, index);
            output.Write(scratch, 0, 4);
        }
    }

    private static ArgumentException Unsupported(string where, string what) =>
        new($"Cannot write {where} to a checkpoint: {what} has no encoding in torch.save's format. " +
            "Checkpoints hold null, booleans, integers, floats, strings, byte[], tensors (float32, float64, float16, bfloat16, " +
            "int64, int32, int16, int8, uint8, bool), dictionaries, lists and tuples (object?[] or ValueTuple).",
            "checkpoint");
}
