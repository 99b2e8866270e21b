using System.Buffers.Binary;
using System.Text;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Reads a TensorBoard event file independently of the writer under test: TFRecord frames whose
/// masked CRC-32Cs are checked with a bit-by-bit CRC (not the product's), and Event, Summary and
/// Summary.Value messages decoded from protobuf's wire format, skipping fields it does not know.
/// </summary>
public static class EventFileReader
{
    public static List<EventRecord> Read(string path)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        var events = new List<EventRecord>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 12)
            {
                throw new InvalidDataException($"{path}: a record header is cut off at byte {offset}.");
            }

            var lengthBytes = bytes.AsSpan(offset, 8);
            Check(path, offset, lengthBytes, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8)));
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes));
            if (bytes.Length - offset - 16 < length)
            {
                throw new InvalidDataException($"{path}: the record at byte {offset} is cut off.");
            }

            var data = bytes.AsSpan(offset + 12, length);
            Check(path, offset, data, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + length)));
            events.Add(DecodeEvent(data));
            offset += 16 + length;
        }

        return events;
    }

    /// <summary>CRC-32C one bit at a time, from its definition (reflected polynomial 0x82F63B78).</summary>
    public static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in data)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void Check(string path, int offset, ReadOnlySpan<byte> data, uint stored)
    {
        var crc = ReferenceCrc32C(data);
        var masked = unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
        if (masked != stored)
        {
            throw new InvalidDataException($"{path}: the record at byte {offset} has masked CRC {stored:X8}, expected {masked:X8}.");
        }
    }

    private static EventRecord DecodeEvent(ReadOnlySpan<byte> message)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var scalars = new List<(string, float)>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 1):
                    wallTime = BitConverter.Int64BitsToDouble((long)reader.Fixed64());
                    break;
                case (2, 0):
                    step = (long)reader.Varint();
                    break;
                case (3, 2):
                    fileVersion = Encoding.UTF8.GetString(reader.LengthDelimited());
                    break;
                case (5, 2):
                    DecodeSummary(reader.LengthDelimited(), scalars);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new EventRecord(wallTime, step, fileVersion, scalars);
    }

    private static void DecodeSummary(ReadOnlySpan<byte> message, List<(string, float)> scalars)
    {
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            if (field != 1 || wireType != 2)
            {
                reader.Skip(wireType);
                continue;
            }

            var tag = string.Empty;
            float? value = null;
            var valueReader = new WireReader(reader.LengthDelimited());
            while (valueReader.Next(out var valueField, out var valueWireType))
            {
                switch (valueField, valueWireType)
                {
                    case (1, 2):
                        tag = Encoding.UTF8.GetString(valueReader.LengthDelimited());
                        break;
                    case (2, 5):
                        value = BitConverter.Int32BitsToSingle((int)valueReader.Fixed32());
                        break;
                    default:
                        valueReader.Skip(valueWireType);
                        break;
                }
            }

            if (value is { } simpleValue)
            {
                scalars.Add((tag, simpleValue));
            }
        }
    }

    private ref struct WireReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> rest = data;

        public bool Next(out int field, out int wireType)
        {
            field = 0;
            wireType = 0;
            if (rest.IsEmpty)
            {
                return false;
            }

            var key = Varint();
            field = (int)(key >> 3);
            wireType = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (rest.IsEmpty || shift > 63)
                {
                    throw new InvalidDataException("A varint is cut off or too long.");
                }

                var next = rest[0];
                rest = rest[1..];
                value |= (ulong)(next & 0x7F) << shift;
                if (next < 0x80)
                {
                    return value;
                }
            }
        }

        public ulong Fixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public uint Fixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ReadOnlySpan<byte> LengthDelimited() => Take(checked((int)Varint()));

        public void Skip(int wireType)
        {
            _ = wireType switch
            {
                0 => Varint(),
                1 => Fixed64(),
                2 => (ulong)LengthDelimited().Length,
                5 => Fixed32(),
                _ => throw new InvalidDataException($"Unknown wire type {wireType}."),
            };
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (rest.Length < count)
            {
                throw new InvalidDataException("A field is cut off.");
            }

            var taken = rest[..count];
            rest = rest[count..];
            return taken;
        }
    }
}
