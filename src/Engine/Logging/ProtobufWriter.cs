using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// Protocol buffers' wire format for the few field types TensorBoard's event messages use. Fields
/// are written as called: the caller keeps them in field-number order and leaves out proto3
/// defaults, as protobuf's own serializers do, so the bytes match theirs.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int VarintType = 0;
    private const int Fixed64Type = 1;
    private const int LengthDelimitedType = 2;
    private const int Fixed32Type = 5;
    private const int MaxVarintLength = 10;

    private readonly ArrayBufferWriter<byte> buffer = new();

    /// <summary>A <c>double</c> field (fixed64).</summary>
    public void WriteDouble(int field, double value)
    {
        WriteTag(field, Fixed64Type);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(sizeof(double)), value);
        buffer.Advance(sizeof(double));
    }

    /// <summary>A <c>float</c> field (fixed32).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, Fixed32Type);
        BinaryPrimitives.WriteSingleLittleEndian(buffer.GetSpan(sizeof(float)), value);
        buffer.Advance(sizeof(float));
    }

    /// <summary>An <c>int64</c> field (a varint; a negative value takes ten bytes, as in protobuf).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, VarintType);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>A <c>string</c> field (UTF-8, length-delimited).</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A <c>bytes</c> or embedded-message field (length-delimited).</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimitedType);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
    }

    /// <summary>The message written so far.</summary>
    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        var span = buffer.GetSpan(MaxVarintLength);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        buffer.Advance(length);
    }
}
