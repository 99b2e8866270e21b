using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Op = ImageClassifier.Models.Checkpoints.PickleOpcodes;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A pickle virtual machine (protocols 0 to 5) that only ever builds data. Globals are resolved
/// against <see cref="PickleAllowList"/> the moment they are named, so a file that names anything
/// else is refused before any later opcode runs; REDUCE, NEWOBJ and BUILD go to
/// <see cref="PickleReconstructor"/>. The result is a tree of dictionaries, lists, tuples
/// (<c>object?[]</c>), scalars and placeholders for tensors.
/// </summary>
/// <remarks>
/// Every opcode consumes input and every length is checked against the bytes left, so a hostile
/// or random file cannot make it loop or allocate more than its own size.
/// </remarks>
internal sealed class PickleMachine
{
    private const int MaxLineBytes = 1 << 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream input;
    private readonly string? filePath;
    private readonly string part;
    private readonly Func<object?, object?> persistentLoad;
    private readonly PickleReconstructor reconstructor;
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];
    private readonly byte[] scratch = new byte[8];
    private readonly long start;
    private long opcodeOffset;

    /// <param name="input">A seekable stream positioned at the pickle; it is left just after STOP.</param>
    /// <param name="filePath">The file named in errors.</param>
    /// <param name="part">Which pickle of the file this is, for errors ("data.pkl").</param>
    /// <param name="persistentLoad">Turns a persistent id (BINPERSID) into a value; throws to refuse it.</param>
    public PickleMachine(Stream input, string? filePath, string part, Func<object?, object?> persistentLoad)
    {
        this.input = input;
        this.filePath = filePath;
        this.part = part;
        this.persistentLoad = persistentLoad;
        reconstructor = new PickleReconstructor(filePath, part);
        start = input.Position;
    }

    /// <summary>Runs the pickle to its STOP opcode and returns the object it built.</summary>
    public object? Load()
    {
        while (true)
        {
            opcodeOffset = input.Position - start;
            var code = input.ReadByte();
            if (code < 0)
            {
                throw Malformed("the pickle ends before its STOP opcode (the file is truncated)");
            }

            if ((byte)code == Op.Stop)
            {
                return Pop();
            }

            Execute((byte)code);
        }
    }

    private void Execute(byte code)
    {
        switch (code)
        {
            case Op.Proto:
                var protocol = ReadByte();
                if (protocol > Op.HighestProtocol)
                {
                    throw Malformed($"the pickle uses protocol {protocol}; protocols up to {Op.HighestProtocol} are read");
                }

                break;
            case Op.Frame:
                ReadUInt64(); // a framing hint: the frame's opcodes follow inline
                break;

            // Stack and memo
            case Op.Mark:
                marks.Push(stack.Count);
                break;
            case Op.Pop:
                if (stack.Count > Floor)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
                else
                {
                    PopMark();
                }

                break;
            case Op.PopMark:
                PopMark();
                break;
            case Op.Dup:
                Push(Top);
                break;
            case Op.Put:
                memo[ParseLong(ReadLine(), "PUT index")] = Top;
                break;
            case Op.BinPut:
                memo[ReadByte()] = Top;
                break;
            case Op.LongBinPut:
                memo[ReadUInt32()] = Top;
                break;
            case Op.Memoize:
                memo[memo.Count] = Top;
                break;
            case Op.Get:
                Push(Recall(ParseLong(ReadLine(), "GET index")));
                break;
            case Op.BinGet:
                Push(Recall(ReadByte()));
                break;
            case Op.LongBinGet:
                Push(Recall(ReadUInt32()));
                break;

            // Scalars
            case Op.None:
                Push(null);
                break;
            case Op.NewTrue:
                Push(true);
                break;
            case Op.NewFalse:
                Push(false);
                break;
            case Op.Int:
                var intText = ReadLine();
                Push(intText switch
                {
                    "00" => false,
                    "01" => true,
                    _ => ParseInteger(intText),
                });
                break;
            case Op.BinInt:
                ReadExactly(4);
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(scratch));
                break;
            case Op.BinInt1:
                Push((long)ReadByte());
                break;
            case Op.BinInt2:
                ReadExactly(2);
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(scratch));
                break;
            case Op.Long:
                Push(ParseInteger(ReadLine().TrimEnd('L')));
                break;
            case Op.Long1:
                Push(DecodeLong(ReadBytes(ReadByte())));
                break;
            case Op.Long4:
                Push(DecodeLong(ReadBytes((ulong)ReadInt32Length())));
                break;
            case Op.Float:
                var floatText = ReadLine();
                Push(double.TryParse(floatText, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw Malformed($"FLOAT holds '{floatText}'"));
                break;
            case Op.BinFloat:
                ReadExactly(8);
                Push(BinaryPrimitives.ReadDoubleBigEndian(scratch));
                break;

            // Text and bytes
            case Op.BinUnicode:
                Push(Utf8(ReadBytes(ReadUInt32())));
                break;
            case Op.ShortBinUnicode:
                Push(Utf8(ReadBytes(ReadByte())));
                break;
            case Op.BinUnicode8:
                Push(Utf8(ReadBytes(ReadUInt64())));
                break;
            case Op.BinString:
                Push(Python2String(ReadBytes((ulong)ReadInt32Length())));
                break;
            case Op.ShortBinString:
                Push(Python2String(ReadBytes(ReadByte())));
                break;
            case Op.BinBytes:
                Push(ReadBytes(ReadUInt32()));
                break;
            case Op.ShortBinBytes:
                Push(ReadBytes(ReadByte()));
                break;
            case Op.BinBytes8:
            case Op.ByteArray8:
                Push(ReadBytes(ReadUInt64()));
                break;
            case Op.String:
            case Op.Unicode:
                throw Malformed("it uses protocol-0 text strings, which torch.save never writes and this reader does not read");

            // Containers
            case Op.EmptyDict:
                Push(new Dictionary<string, object?>(StringComparer.Ordinal));
                break;
            case Op.Dict:
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                SetItems(dictionary, PopMark());
                Push(dictionary);
                break;
            case Op.SetItem:
                var value = Pop();
                var key = Pop();
                TargetDictionary("SETITEM")[reconstructor.DictionaryKey(key)] = value;
                break;
            case Op.SetItems:
                var pairs = PopMark();
                SetItems(TargetDictionary("SETITEMS"), pairs);
                break;
            case Op.EmptyList:
                Push(new List<object?>());
                break;
            case Op.List:
                Push(PopMark());
                break;
            case Op.Append:
                var item = Pop();
                TargetList("APPEND").Add(item);
                break;
            case Op.Appends:
                var items = PopMark();
                TargetList("APPENDS").AddRange(items);
                break;
            case Op.EmptyTuple:
                Push(Array.Empty<object?>());
                break;
            case Op.Tuple:
                Push(PopMark().ToArray());
                break;
            case Op.Tuple1:
                Push(new[] { Pop() });
                break;
            case Op.Tuple2:
                var second = Pop();
                Push(new[] { Pop(), second });
                break;
            case Op.Tuple3:
                var third = Pop();
                var middle = Pop();
                Push(new[] { Pop(), middle, third });
                break;
            case Op.EmptySet:
            case Op.AddItems:
            case Op.FrozenSet:
                throw Malformed("it holds a Python set, which a checkpoint of tensors and metadata does not need and this reader does not read");

            // Globals and object construction: the allow-list decides before anything is built.
            case Op.Global:
                var module = ReadLine();
                Push(Resolve(module, ReadLine()));
                break;
            case Op.StackGlobal:
                var name = Pop();
                var moduleName = Pop();
                if (moduleName is not string moduleText || name is not string nameText)
                {
                    throw Malformed("STACK_GLOBAL was given something other than two strings");
                }

                Push(Resolve(moduleText, nameText));
                break;
            case Op.Inst:
                var instModule = ReadLine();
                var instClass = Resolve(instModule, ReadLine());
                Push(reconstructor.Call(instClass, PopMark().ToArray()));
                break;
            case Op.Obj:
                var objParts = PopMark();
                if (objParts.Count == 0)
                {
                    throw Malformed("OBJ has no class");
                }

                Push(reconstructor.Call(objParts[0], objParts.Skip(1).ToArray()));
                break;
            case Op.Reduce:
                var arguments = Pop();
                var callable = Pop();
                Push(reconstructor.Call(callable, arguments));
                break;
            case Op.NewObj:
                var newArguments = Pop();
                var type = Pop();
                Push(reconstructor.Call(type, newArguments));
                break;
            case Op.NewObjEx:
                var keywordArguments = Pop();
                var positional = Pop();
                var exType = Pop();
                if (keywordArguments is not Dictionary<string, object?> { Count: 0 })
                {
                    throw Malformed("NEWOBJ_EX passes keyword arguments, which no allow-listed type takes");
                }

                Push(reconstructor.Call(exType, positional));
                break;
            case Op.Build:
                var state = Pop();
                var instance = Pop();
                Push(reconstructor.Build(instance, state));
                break;
            case Op.BinPersId:
                Push(persistentLoad(Pop()));
                break;
            case Op.PersId:
                Push(persistentLoad(ReadLine()));
                break;
            case Op.Ext1:
            case Op.Ext2:
            case Op.Ext4:
                throw Malformed("it uses the copyreg extension registry (EXT opcodes), which stands for arbitrary callables; refused");
            case Op.NextBuffer:
            case Op.ReadOnlyBuffer:
                throw Malformed("it refers to out-of-band buffers (pickle protocol 5), which a file cannot supply");
            default:
                throw Malformed($"byte 0x{code:x2} is not a pickle opcode (the data is not a pickle, or it is damaged)");
        }
    }

    private PickleGlobal Resolve(string module, string name) =>
        PickleAllowList.TryResolve(module, name) ?? throw PickleAllowList.Refuse(filePath, part, module, name);

    private void SetItems(Dictionary<string, object?> dictionary, List<object?> pairs)
    {
        if (pairs.Count % 2 != 0)
        {
            throw Malformed("a dictionary is given a key without a value");
        }

        for (var index = 0; index < pairs.Count; index += 2)
        {
            dictionary[reconstructor.DictionaryKey(pairs[index])] = pairs[index + 1];
        }
    }

    private Dictionary<string, object?> TargetDictionary(string opcode) =>
        Top as Dictionary<string, object?> ?? throw Malformed($"{opcode} adds items to a {PickleReconstructor.Describe(Top)}, not to a dictionary");

    private List<object?> TargetList(string opcode) =>
        Top as List<object?> ?? throw Malformed($"{opcode} appends to a {PickleReconstructor.Describe(Top)}, not to a list");

    // Below the innermost MARK the stack belongs to an enclosing frame, as in CPython.
    private int Floor => marks.Count > 0 ? marks.Peek() : 0;

    private object? Top => stack.Count > Floor ? stack[^1] : throw Malformed("an opcode needs a value but the stack is empty");

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        var value = Top;
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0)
        {
            throw Malformed("an opcode needs a MARK that was never set");
        }

        var mark = marks.Pop();
        var items = stack.GetRange(mark, stack.Count - mark);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private object? Recall(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Malformed($"it recalls memo entry {index}, which was never stored");

    private byte ReadByte()
    {
        var value = input.ReadByte();
        return value >= 0 ? (byte)value : throw Truncated();
    }

    private void ReadExactly(int count)
    {
        if (input.ReadAtLeast(scratch.AsSpan(0, count), count, throwOnEndOfStream: false) < count)
        {
            throw Truncated();
        }
    }

    private uint ReadUInt32()
    {
        ReadExactly(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(scratch);
    }

    private int ReadInt32Length()
    {
        ReadExactly(4);
        var length = BinaryPrimitives.ReadInt32LittleEndian(scratch);
        return length >= 0 ? length : throw Malformed($"a length field holds {length}");
    }

    private ulong ReadUInt64()
    {
        ReadExactly(8);
        return BinaryPrimitives.ReadUInt64LittleEndian(scratch);
    }

    private byte[] ReadBytes(ulong count)
    {
        var remaining = input.Length - input.Position;
        if (count > (ulong)Math.Max(0, remaining))
        {
            throw Malformed($"a value declares {count} bytes but only {Math.Max(0, remaining)} are left (the file is truncated or not a pickle)");
        }

        if (count > (ulong)Array.MaxLength)
        {
            throw Malformed($"a single value of {count} bytes is larger than this reader accepts");
        }

        var bytes = new byte[(int)count];
        input.ReadExactly(bytes);
        return bytes;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var value = input.ReadByte();
            if (value < 0)
            {
                throw Truncated();
            }

            if (value == '\n')
            {
                break;
            }

            if (bytes.Count >= MaxLineBytes)
            {
                throw Malformed("a text argument runs on without a line end");
            }

            bytes.Add((byte)value);
        }

        if (bytes.Count > 0 && bytes[^1] == '\r')
        {
            bytes.RemoveAt(bytes.Count - 1);
        }

        return Utf8([.. bytes]);
    }

    private string Utf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("a string is not valid UTF-8");
        }
    }

    private static string Python2String(byte[] bytes)
    {
        // Python 2 str: torch.load decodes these as UTF-8; anything else is kept byte for byte.
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private object ParseInteger(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return text.Length <= 4096 && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)
            ? big
            : throw Malformed($"an integer is written as '{Shorten(text)}'");
    }

    private long ParseLong(string text, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : throw Malformed($"the {what} is '{Shorten(text)}'");

    /// <summary>LONG1/LONG4 payload: little-endian two's complement; 64-bit values come out as long.</summary>
    private static object DecodeLong(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return 0L;
        }

        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            return (long)value;
        }

        return value;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private CheckpointFormatException Truncated() => Malformed("the pickle ends in the middle of an opcode (the file is truncated)");

    private CheckpointFormatException Malformed(string problem) =>
        new(filePath, $"'{PickleAllowList.Display(filePath)}' is not a readable PyTorch checkpoint: in {part} at byte {opcodeOffset}, {problem}.");
}
