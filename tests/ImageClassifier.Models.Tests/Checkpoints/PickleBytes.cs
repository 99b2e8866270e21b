using System.Buffers.Binary;
using System.Text;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>Writes pickle opcodes by hand, for inputs no Python library would produce on purpose.</summary>
internal sealed class PickleBytes
{
    private readonly MemoryStream bytes = new();

    public static PickleBytes Protocol(byte version) => new PickleBytes().Op(0x80).Byte(version);

    public PickleBytes Op(char code) => Byte((byte)code);

    public PickleBytes Op(byte code) => Byte(code);

    public PickleBytes Byte(byte value)
    {
        bytes.WriteByte(value);
        return this;
    }

    public PickleBytes Raw(ReadOnlySpan<byte> value)
    {
        bytes.Write(value);
        return this;
    }

    /// <summary>GLOBAL: module and name on two lines, as protocols 0 to 3 write them.</summary>
    public PickleBytes Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    /// <summary>BINUNICODE.</summary>
    public PickleBytes Text(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        Op('X');
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Raw(length).Raw(utf8);
    }

    /// <summary>SHORT_BINUNICODE (protocol 4).</summary>
    public PickleBytes ShortText(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        return Op(0x8c).Byte((byte)utf8.Length).Raw(utf8);
    }

    /// <summary>BININT1 or BININT2.</summary>
    public PickleBytes Int(int value)
    {
        if (value is >= 0 and <= 255)
        {
            return Op('K').Byte((byte)value);
        }

        Span<byte> raw = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(raw, (ushort)value);
        return Op('M').Raw(raw);
    }

    /// <summary>LONG1 with all eight bytes, for values beyond BININT.</summary>
    public PickleBytes Long(long value)
    {
        Span<byte> raw = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(raw, value);
        return Op(0x8a).Byte(8).Raw(raw);
    }

    public PickleBytes Stop() => Op('.');

    public byte[] ToArray() => bytes.ToArray();

    /// <summary>The three pickles that open a legacy torch.save file: magic number, protocol 1001, system info.</summary>
    public static byte[] LegacyHeader()
    {
        // torch.serialization.MAGIC_NUMBER as LONG1: ten bytes, little-endian.
        var magic = System.Numerics.BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture).ToByteArray();
        var header = Protocol(2).Op(0x8a).Byte((byte)magic.Length).Raw(magic).Stop();
        header.Raw(Protocol(2).Int(1001).Stop().ToArray());
        header.Raw(Protocol(2).Op('}').Stop().ToArray());
        return header.ToArray();
    }
}
