using System.Buffers.Binary;
using System.Numerics;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of TFRecord files, and TFRecord's masked form of it.
/// </summary>
public static class Crc32C
{
    private const uint MaskDelta = 0xA282EAD8;

    /// <summary>The CRC-32C of <paramref name="data"/> (of ASCII "123456789": 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C is the bare update step (a CPU instruction where there is one):
        // CRC-32C itself starts the register at all ones and inverts it at the end.
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            // The CRC is reflected, so the first byte is the least significant: little-endian.
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return ~crc;
    }

    /// <summary>
    /// TFRecord's masked CRC of <paramref name="data"/>: the CRC rotated right by 15 bits plus a
    /// constant, because a CRC computed over data that holds CRCs is weak.
    /// </summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    /// <summary>TFRecord's mask of a CRC: rotated right by 15 bits, plus 0xA282EAD8.</summary>
    public static uint Mask(uint crc) => unchecked(BitOperations.RotateRight(crc, 15) + MaskDelta);
}
