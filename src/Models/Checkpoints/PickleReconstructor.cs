using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// The data-only meaning of REDUCE, NEWOBJ and BUILD for each allow-listed global. Every result
/// is plain data or a placeholder (<see cref="PendingTensor"/>, <see cref="PendingNumpyArray"/>);
/// no tensor memory is touched here.
/// </summary>
internal sealed class PickleReconstructor
{
    private const int MaxRank = 64;

    private readonly string? filePath;
    private readonly string part;

    public PickleReconstructor(string? filePath, string part)
    {
        this.filePath = filePath;
        this.part = part;
    }

    /// <summary>REDUCE / NEWOBJ: what calling <paramref name="callable"/> with <paramref name="args"/> builds.</summary>
    public object? Call(object? callable, object? args)
    {
        if (callable is not PickleGlobal target)
        {
            throw Malformed($"REDUCE applied to a {Describe(callable)}, not to a global");
        }

        if (args is not object?[] arguments)
        {
            throw Malformed($"the arguments of {callable} are a {Describe(args)}, not a tuple");
        }

        return target.Kind switch
        {
            PickleGlobalKind.OrderedDict => NewOrderedDict(arguments),
            PickleGlobalKind.RebuildTensor => RebuildTensor(target, arguments, 4, 4, requiresGradIndex: -1, dtypeIndex: -1),
            PickleGlobalKind.RebuildTensorV2 => RebuildTensor(target, arguments, 6, 7, requiresGradIndex: 4, dtypeIndex: -1),
            PickleGlobalKind.RebuildTensorV3 => RebuildTensor(target, arguments, 7, 8, requiresGradIndex: 4, dtypeIndex: 6),
            PickleGlobalKind.RebuildParameter or PickleGlobalKind.RebuildParameterWithState => RebuildParameter(target, arguments),
            PickleGlobalKind.ParameterClass => RebuildParameter(target, arguments),
            PickleGlobalKind.RebuildFromTypeV2 => RebuildFromType(target, arguments),
            PickleGlobalKind.Size => NewSize(target, arguments),
            PickleGlobalKind.CodecsEncode => Encode(target, arguments),
            PickleGlobalKind.Bytes => NewBytes(target, arguments),
            PickleGlobalKind.NumpyScalar => NumpyScalar(target, arguments),
            PickleGlobalKind.NumpyDtype => NewNumpyDtype(target, arguments),
            PickleGlobalKind.NumpyReconstruct => NumpyReconstruct(target, arguments),
            PickleGlobalKind.NumpyFromBuffer => NumpyFromBuffer(target, arguments),
            PickleGlobalKind.DateTime => NewDateTime(target, arguments),
            PickleGlobalKind.Date => NewDate(target, arguments),
            PickleGlobalKind.Time => NewTime(target, arguments),
            PickleGlobalKind.TimeDelta => NewTimeDelta(target, arguments),
            PickleGlobalKind.TimeZone => NewTimeZone(target, arguments),
            _ => throw Malformed($"{target.FullName} is a type or constant here and cannot be called"),
        };
    }

    /// <summary>BUILD: applies pickled state to <paramref name="instance"/> where that is plain data.</summary>
    public object? Build(object? instance, object? state)
    {
        switch (instance)
        {
            case Dictionary<string, object?>:
                // An OrderedDict's instance attributes, such as a state dict's _metadata (module
                // versions). They are not items of the dictionary; dropped.
                return instance;
            case NumpyDtype dtype:
                if (state is object?[] { Length: > 1 } dtypeState && dtypeState[1] is string order && order.Length == 1)
                {
                    dtype.ByteOrder = order[0];
                }

                return instance;
            case PendingNumpyArray array:
                BuildNumpyArray(array, state);
                return instance;
            case PendingTensor when state is null or Dictionary<string, object?> { Count: 0 }:
                return instance;
            case PendingTensor:
                // A Parameter's Python attributes (_rebuild_parameter_with_state puts them in its
                // arguments; BUILD is the older spelling). Plain data, not needed to load weights.
                if (state is Dictionary<string, object?> or object?[])
                {
                    return instance;
                }

                break;
        }

        throw Malformed($"BUILD sets state on a {Describe(instance)}; only OrderedDict, tensors and numpy values take state");
    }

    /// <summary>The text a dictionary key becomes: PyTorch state dicts use strings; others are spelled as Python would.</summary>
    public string DictionaryKey(object? key) => key switch
    {
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        BigInteger number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "True" : "False",
        null => "None",
        double number => PythonFloat(number),
        _ => throw Malformed($"a dictionary key is a {Describe(key)}; only strings, numbers, booleans and None are read as keys"),
    };

    /// <summary>A short name for the kind of <paramref name="value"/>, for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string => "string",
        long or BigInteger => "integer",
        double => "float",
        bool => "boolean",
        byte[] => "bytes value",
        Dictionary<string, object?> => "dictionary",
        List<object?> => "list",
        object?[] => "tuple",
        PickleGlobal global => $"'{global.FullName}'",
        StorageRef => "storage",
        PendingTensor => "tensor",
        NumpyDtype => "numpy dtype",
        PendingNumpyArray => "numpy array",
        _ => value.GetType().Name,
    };

    private Dictionary<string, object?> NewOrderedDict(object?[] arguments)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (arguments.Length == 0)
        {
            return result;
        }

        if (arguments.Length == 1 && arguments[0] is List<object?> or object?[])
        {
            foreach (var pair in (IEnumerable<object?>)arguments[0]!)
            {
                if (pair is object?[] { Length: 2 } tuple)
                {
                    result[DictionaryKey(tuple[0])] = tuple[1];
                }
                else if (pair is List<object?> { Count: 2 } list)
                {
                    result[DictionaryKey(list[0])] = list[1];
                }
                else
                {
                    throw Malformed("collections.OrderedDict was given an item that is not a (key, value) pair");
                }
            }

            return result;
        }

        throw Malformed("collections.OrderedDict takes no arguments or one list of (key, value) pairs here");
    }

    private PendingTensor RebuildTensor(PickleGlobal target, object?[] arguments, int minimum, int maximum, int requiresGradIndex, int dtypeIndex)
    {
        Arity(target, arguments, minimum, maximum);
        if (arguments[0] is not StorageRef storage)
        {
            throw Malformed($"{target.FullName} expects a storage first, but got a {Describe(arguments[0])}");
        }

        var offset = NonNegative(arguments[1], "storage offset");
        var size = LongTuple(arguments[2], "size");
        var stride = LongTuple(arguments[3], "stride");
        if (size.Length != stride.Length)
        {
            throw Malformed($"a tensor has size ({string.Join(", ", size)}) but stride ({string.Join(", ", stride)})");
        }

        var requiresGrad = requiresGradIndex >= 0 && AsBool(arguments[requiresGradIndex], "requires_grad");
        var dtype = storage.DType;
        if (dtypeIndex >= 0)
        {
            if (arguments[dtypeIndex] is not PickleGlobal { Kind: PickleGlobalKind.Dtype, DType: { } explicitType })
            {
                throw Malformed($"{target.FullName} expects a torch dtype, but got a {Describe(arguments[dtypeIndex])}");
            }

            dtype = explicitType;
        }

        // Backward hooks (argument 5) can only hold callables, and a callable would already have
        // been refused by the allow-list; metadata (argument 6 or 7) is Python-side state.
        return new PendingTensor(storage, dtype, offset, size, stride, requiresGrad);
    }

    private PendingTensor RebuildParameter(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 4);
        if (arguments[0] is not PendingTensor data)
        {
            throw Malformed($"{target.FullName} expects a tensor first, but got a {Describe(arguments[0])}");
        }

        data.RequiresGrad = arguments.Length < 2 || AsBool(arguments[1], "requires_grad");
        return data;
    }

    private object? RebuildFromType(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 4, 4);
        if (arguments[1] is not PickleGlobal { Kind: PickleGlobalKind.TensorClass or PickleGlobalKind.ParameterClass })
        {
            throw Malformed($"{target.FullName} rebuilds a {Describe(arguments[1])}; only torch.Tensor and torch.nn.Parameter are read");
        }

        var result = Call(arguments[0], arguments[2]);
        if (result is not PendingTensor)
        {
            throw Malformed($"{target.FullName} did not rebuild a tensor");
        }

        return result;
    }

    private object?[] NewSize(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 1);
        return LongTuple(arguments[0], "torch.Size").Select(extent => (object?)extent).ToArray();
    }

    private byte[] Encode(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 2);
        if (arguments[0] is not string text)
        {
            throw Malformed($"{target.FullName} expects text, but got a {Describe(arguments[0])}");
        }

        var encoding = arguments.Length > 1 ? arguments[1] as string : "utf-8";
        switch (encoding?.ToLowerInvariant())
        {
            case "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1":
                var bytes = new byte[text.Length];
                for (var index = 0; index < text.Length; index++)
                {
                    if (text[index] > 0xFF)
                    {
                        throw Malformed("a latin1-encoded bytes value holds a character above U+00FF");
                    }

                    bytes[index] = (byte)text[index];
                }

                return bytes;
            case "utf-8" or "utf8":
                return Encoding.UTF8.GetBytes(text);
            default:
                throw Malformed($"{target.FullName} with encoding '{encoding}' is not supported");
        }
    }

    private byte[] NewBytes(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 0, 1);
        return arguments.Length == 0 ? [] : arguments[0] as byte[] ?? throw Malformed($"{target.FullName} takes only bytes here");
    }

    private object NumpyScalar(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 2, 2);
        if (arguments[0] is not NumpyDtype dtype || arguments[1] is not byte[] raw)
        {
            throw Malformed($"{target.FullName} expects a numpy dtype and bytes");
        }

        if (raw.Length != dtype.ItemSize)
        {
            throw Malformed($"a numpy {dtype.Code} scalar holds {raw.Length} bytes instead of {dtype.ItemSize}");
        }

        var bytes = raw;
        if (dtype.IsBigEndian)
        {
            bytes = (byte[])raw.Clone();
            Array.Reverse(bytes);
        }

        ReadOnlySpan<byte> span = bytes;
        // Each arm is boxed on its own: a common type would turn the integers into doubles.
        return dtype.Code switch
        {
            "f2" => (object)(double)BinaryPrimitives.ReadHalfLittleEndian(span),
            "f4" => (object)(double)BinaryPrimitives.ReadSingleLittleEndian(span),
            "f8" => (object)BinaryPrimitives.ReadDoubleLittleEndian(span),
            "i1" => (object)(long)(sbyte)span[0],
            "i2" => (object)(long)BinaryPrimitives.ReadInt16LittleEndian(span),
            "i4" => (object)(long)BinaryPrimitives.ReadInt32LittleEndian(span),
            "i8" => (object)BinaryPrimitives.ReadInt64LittleEndian(span),
            "u1" => (object)(long)span[0],
            "u2" => (object)(long)BinaryPrimitives.ReadUInt16LittleEndian(span),
            "u4" => (object)(long)BinaryPrimitives.ReadUInt32LittleEndian(span),
            "u8" => UnsignedValue(BinaryPrimitives.ReadUInt64LittleEndian(span)),
            "b1" => (object)(span[0] != 0),
            _ => throw Malformed($"numpy scalars of dtype '{dtype.Code}' are not supported"),
        };
    }

    private static object UnsignedValue(ulong value)
    {
        if (value <= long.MaxValue)
        {
            return (long)value;
        }

        return new BigInteger(value);
    }

    private NumpyDtype NewNumpyDtype(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 3);
        if (arguments[0] is not string code || code.Length < 2)
        {
            throw Malformed($"{target.FullName} expects a type code such as 'f8'");
        }

        return new NumpyDtype(code);
    }

    private PendingNumpyArray NumpyReconstruct(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 3, 3);
        if (arguments[0] is not PickleGlobal { Kind: PickleGlobalKind.NumpyArrayClass })
        {
            throw Malformed($"{target.FullName} rebuilds a {Describe(arguments[0])}; only numpy.ndarray is read");
        }

        return new PendingNumpyArray();
    }

    private PendingNumpyArray NumpyFromBuffer(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 4, 4);
        if (arguments[0] is not byte[] data || arguments[1] is not NumpyDtype dtype || arguments[3] is not string order)
        {
            throw Malformed($"{target.FullName} expects bytes, a numpy dtype, a shape and an order");
        }

        var array = new PendingNumpyArray { Shape = LongTuple(arguments[2], "numpy shape"), Dtype = dtype, FortranOrder = order == "F", Data = data };
        CheckNumpyArray(array);
        return array;
    }

    private void BuildNumpyArray(PendingNumpyArray array, object? state)
    {
        if (state is not object?[] { Length: 5 } parts)
        {
            throw Malformed("a numpy array's state is not (version, shape, dtype, is_fortran, data)");
        }

        array.Shape = LongTuple(parts[1], "numpy shape");
        array.Dtype = parts[2] as NumpyDtype ?? throw Malformed("a numpy array's state has no dtype");
        array.FortranOrder = AsBool(parts[3], "is_fortran");
        array.Data = parts[4] switch
        {
            byte[] bytes => bytes,
            string text => Encode(new PickleGlobal("_codecs", "encode", PickleGlobalKind.CodecsEncode), [text, "latin1"]),
            _ => throw Malformed($"numpy arrays of dtype '{array.Dtype.Code}' (objects) are not supported"),
        };
        CheckNumpyArray(array);
    }

    private void CheckNumpyArray(PendingNumpyArray array)
    {
        var dtype = array.Dtype!;
        if (dtype.TensorType is null)
        {
            throw Malformed($"numpy arrays of dtype '{dtype.Code}' are not supported");
        }

        if (dtype.IsBigEndian && dtype.ItemSize > 1)
        {
            throw Malformed("big-endian numpy arrays are not supported");
        }

        var expected = BigInteger.One * dtype.ItemSize;
        foreach (var extent in array.Shape)
        {
            expected *= extent;
        }

        if (expected != array.Data!.Length)
        {
            throw Malformed($"a numpy array of shape ({string.Join(", ", array.Shape)}) and dtype '{dtype.Code}' holds {array.Data.Length} bytes instead of {expected}");
        }
    }

    private object NewDateTime(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 8);
        PythonTimezone? zone = null;
        DateTime value;
        if (arguments[0] is byte[] { Length: 10 } state)
        {
            // datetime's pickled state: year (2 bytes, big-endian), month (its top bit is `fold`),
            // day, hour, minute, second, microsecond (3 bytes, big-endian).
            var microsecond = (state[7] << 16) | (state[8] << 8) | state[9];
            value = MakeDateTime((state[0] << 8) | state[1], state[2] & 0x7F, state[3], state[4], state[5], state[6], microsecond);
            zone = arguments.Length > 1 ? AsTimezone(arguments[1]) : null;
        }
        else
        {
            var fields = new int[7];
            for (var index = 0; index < 7; index++)
            {
                fields[index] = index < arguments.Length ? ToInt(arguments[index]) : 0;
            }

            value = MakeDateTime(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]);
            zone = arguments.Length > 7 ? AsTimezone(arguments[7]) : null;
        }

        if (zone is null)
        {
            return value;
        }

        return new DateTimeOffset(value, zone.Offset);
    }

    private DateOnly NewDate(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 3);
        try
        {
            return arguments[0] is byte[] { Length: 4 } state
                ? new DateOnly((state[0] << 8) | state[1], state[2], state[3])
                : new DateOnly(ToInt(arguments[0]), ToInt(arguments.ElementAtOrDefault(1)), ToInt(arguments.ElementAtOrDefault(2)));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Malformed("a datetime.date is out of range");
        }
    }

    private TimeOnly NewTime(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 5);
        if (arguments[0] is not byte[] { Length: 6 } state)
        {
            throw Malformed("a datetime.time is not in its pickled form");
        }

        var microsecond = (state[3] << 16) | (state[4] << 8) | state[5];
        if (state[0] > 23 || state[1] > 59 || state[2] > 59 || microsecond > 999_999)
        {
            throw Malformed("a datetime.time is out of range");
        }

        return new TimeOnly(state[0], state[1], state[2]).Add(TimeSpan.FromTicks(microsecond * 10L));
    }

    private TimeSpan NewTimeDelta(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 3);
        var days = AsLong(arguments[0], "days");
        var seconds = arguments.Length > 1 ? AsLong(arguments[1], "seconds") : 0;
        var microseconds = arguments.Length > 2 ? AsLong(arguments[2], "microseconds") : 0;
        try
        {
            return TimeSpan.FromTicks(checked((days * 86_400L + seconds) * TimeSpan.TicksPerSecond + microseconds * 10L));
        }
        catch (OverflowException)
        {
            throw Malformed("a datetime.timedelta is beyond the range of TimeSpan");
        }
    }

    private PythonTimezone NewTimeZone(PickleGlobal target, object?[] arguments)
    {
        Arity(target, arguments, 1, 2);
        if (arguments[0] is not TimeSpan offset || offset.Duration() > TimeSpan.FromHours(14))
        {
            throw Malformed("a datetime.timezone needs an offset of at most 14 hours");
        }

        return new PythonTimezone(offset);
    }

    private DateTime MakeDateTime(int year, int month, int day, int hour, int minute, int second, int microsecond)
    {
        try
        {
            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(checked(microsecond * 10L));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Malformed("a datetime.datetime is out of range");
        }
    }

    private PythonTimezone? AsTimezone(object? value) => value switch
    {
        null => null,
        PythonTimezone zone => zone,
        _ => throw Malformed($"a datetime has a {Describe(value)} as its tzinfo; only fixed offsets are read"),
    };

    private int ToInt(object? value) => (int)Math.Clamp(AsLong(value, "date or time field"), int.MinValue, int.MaxValue);

    private static string PythonFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    private void Arity(PickleGlobal target, object?[] arguments, int minimum, int maximum)
    {
        if (arguments.Length < minimum || arguments.Length > maximum)
        {
            var expected = minimum == maximum ? $"{minimum}" : $"{minimum} to {maximum}";
            throw Malformed($"{target.FullName} was given {arguments.Length} arguments instead of {expected}");
        }
    }

    private long[] LongTuple(object? value, string what)
    {
        IReadOnlyList<object?> items = value switch
        {
            object?[] tuple => tuple,
            List<object?> list => list,
            _ => throw Malformed($"the {what} is a {Describe(value)}, not a tuple of integers"),
        };
        if (items.Count > MaxRank)
        {
            throw Malformed($"the {what} has {items.Count} dimensions");
        }

        var result = new long[items.Count];
        for (var index = 0; index < result.Length; index++)
        {
            result[index] = NonNegative(items[index], what);
        }

        return result;
    }

    private long NonNegative(object? value, string what)
    {
        var number = AsLong(value, what);
        return number >= 0 ? number : throw Malformed($"the {what} holds the negative value {number}");
    }

    private long AsLong(object? value, string what) => value switch
    {
        long number => number,
        bool flag => flag ? 1 : 0,
        _ => throw Malformed($"the {what} is a {Describe(value)}, not an integer"),
    };

    private bool AsBool(object? value, string what) => value switch
    {
        bool flag => flag,
        long number => number != 0,
        _ => throw Malformed($"{what} is a {Describe(value)}, not a boolean"),
    };

    private CheckpointFormatException Malformed(string problem) =>
        new(filePath, $"'{PickleAllowList.Display(filePath)}' is not a readable PyTorch checkpoint: in {part}, {problem}.");
}
