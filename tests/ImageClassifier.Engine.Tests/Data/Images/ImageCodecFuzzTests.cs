using System.Buffers.Binary;
using CsCheck;
using ImageClassifier.Data;
using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Data.Images;

/// <summary>
/// Property-based fuzzing of the decoder: random bytes and mutations of valid PNG, JPEG, WebP,
/// BMP and GIF files (flipped and overwritten bytes, truncations, forged sizes) either decode
/// within the limits or fail with a <see cref="DataFormatException"/> naming the file; nothing
/// else escapes, and no decode allocates beyond the limits. Small iteration counts on one thread
/// keep each property to a few seconds; CsCheck prints the seed of any failure to replay it.
/// </summary>
public sealed class ImageCodecFuzzTests : IDisposable
{
    // Small limits, so that any forged size in reach of the mutations crosses them.
    private static readonly ImageDecodeOptions Limits = new() { MaxPixels = 1 << 16, MaxBytes = 1 << 19 };

    // What a decode may allocate besides the pixels: the codec wrapper, strings, the message.
    private const long Overhead = 256 << 10;

    private static readonly uint[] InterestingValues = [0, 1, 0x7F, 0xFF, 0x100, 0x7FFF, 0xFFFF, 46341, 65535, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private static readonly byte[][] Magics =
    [
        [],
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A],
        [0xFF, 0xD8, 0xFF],
        "BM"u8.ToArray(),
        "GIF89a"u8.ToArray(),
        "RIFF\0\0\0\0WEBPVP8L"u8.ToArray(),
        [0, 0],
    ];

    private static readonly Lazy<byte[][]> Seeds = new(MakeSeeds);

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Random_bytes_never_crash_the_decoder()
    {
        var path = folder.Combine("random-bytes.img");
        var gen = Gen.Select(Gen.Int[0, Magics.Length - 1], Gen.Byte.Array[0, 1024])
            .Select(pair => Magics[pair.Item1].Concat(pair.Item2).ToArray());

        gen.Sample(bytes => DecodeWithinLimits(path, bytes), iter: 400, threads: 1, print: Describe);
    }

    [Fact]
    public void Mutations_of_valid_images_never_crash_the_decoder()
    {
        var path = folder.Combine("mutated.img");
        var mutation = Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.UInt);
        var gen = Gen.Select(Gen.Int[0, Seeds.Value.Length - 1], mutation.Array[1, 4])
            .Select(pair => Mutate(Seeds.Value[pair.Item1], pair.Item2));

        gen.Sample(bytes => DecodeWithinLimits(path, bytes), iter: 600, threads: 1, print: Describe);
    }

    [Fact]
    public void Forged_sizes_are_refused_before_any_pixel_is_allocated()
    {
        var path = folder.Combine("forged.png");
        var png = Seeds.Value[0];
        var gen = Gen.Select(Gen.UInt[1, 0x7FFFFFFF], Gen.UInt[1, 0x7FFFFFFF]);

        gen.Sample((width, height) =>
        {
            var bytes = (byte[])png.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
            FixPngHeaderCrc(bytes);
            File.WriteAllBytes(path, bytes);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var image = ImageCodec.Decode(path, ColorType.Color, Limits);
                Assert.True((long)width * height <= Limits.MaxPixels, $"{width}x{height} decoded past the limit");
                Assert.Equal((height, width), ((uint)image.Height, (uint)image.Width));
            }
            catch (DataFormatException error)
            {
                Assert.Equal(path, error.Path);
                if ((long)width * height > Limits.MaxPixels)
                {
                    // The header is read before anything else, so an oversize is always the reason given.
                    Assert.Contains($"header declares a {width}x{height} image", error.Problem);
                }
            }

            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, Limits.MaxBytes + Overhead);
        }, iter: 300, threads: 1);
    }

    private static void DecodeWithinLimits(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var headerReads = ImageCodec.TryReadHeader(path, out var problem, ColorType.Color, Limits);
        try
        {
            var image = ImageCodec.Decode(path, ColorType.Color, Limits);
            Assert.True(headerReads, $"decoded although the header check said: {problem}");
            Assert.InRange((long)image.Height * image.Width, 1, Limits.MaxPixels);
        }
        catch (DataFormatException error)
        {
            Assert.Equal(path, error.Path);
            Assert.StartsWith($"'{path}': ", error.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(error.Problem));
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, Limits.MaxBytes + Overhead);
    }

    private static byte[] Mutate(byte[] seed, (int Kind, int Position, uint Value)[] mutations)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, position, value) in mutations)
        {
            if (bytes.Count == 0)
            {
                break;
            }

            var at = position % bytes.Count;
            var interesting = InterestingValues[value % InterestingValues.Length];
            switch (kind)
            {
                case 0: // flip a bit
                    bytes[at] ^= (byte)(1 << (int)(value % 8));
                    break;
                case 1: // overwrite a byte
                    bytes[at] = (byte)value;
                    break;
                case 2: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3: // forge the declared size where the format keeps it
                    var forged = bytes.ToArray();
                    ForgeSize(forged, interesting, value % 2 == 0);
                    bytes = [.. forged];
                    break;
                case 4: // insert bytes
                    bytes.InsertRange(at, BitConverter.GetBytes(value));
                    break;
                default: // overwrite a 32-bit field (a chunk length, an offset) with an edge value
                    var field = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(field, value % 3 == 0 ? interesting : BinaryPrimitives.ReverseEndianness(interesting));
                    for (var index = 0; index < 4 && at + index < bytes.Count; index++)
                    {
                        bytes[at + index] = field[index];
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Writes <paramref name="value"/> over the width or height field of a PNG, JPEG, BMP or GIF header.</summary>
    private static void ForgeSize(byte[] bytes, uint value, bool width)
    {
        if (bytes.Length >= 33 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G')
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(width ? 16 : 20), value);
            FixPngHeaderCrc(bytes);
        }
        else if (bytes.Length >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8)
        {
            for (var index = 2; index + 9 < bytes.Length; index++)
            {
                if (bytes[index] == 0xFF && bytes[index + 1] is 0xC0 or 0xC1 or 0xC2)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(index + (width ? 7 : 5)), (ushort)value);
                    break;
                }
            }
        }
        else if (bytes.Length >= 26 && bytes[0] == 'B' && bytes[1] == 'M')
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(width ? 18 : 22), value);
        }
        else if (bytes.Length >= 10 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F')
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(width ? 6 : 8), (ushort)value);
        }
        else if (bytes.Length >= 30 && bytes[8] == 'W' && bytes[12] == 'V' && bytes[15] == 'L')
        {
            // VP8L: 14 bits of width - 1, then 14 of height - 1, after the 0x2F signature byte.
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(21));
            var shift = width ? 0 : 14;
            bits = (bits & ~(0x3FFFu << shift)) | ((value & 0x3FFF) << shift);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(21), bits);
        }
    }

    // A forged size with a stale CRC would stop at the CRC check; the point is to reach the size check.
    private static void FixPngHeaderCrc(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));

    /// <summary>PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: 17 bytes need no table.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in data)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[][] MakeSeeds()
    {
        var noise = new byte[3 * 24 * 24];
        new Random(17).NextBytes(noise);
        var png = Path.Combine(Path.GetTempPath(), $"icls-fuzz-seed-{Guid.NewGuid():N}.png");
        try
        {
            ImageCodec.WritePng(new ImageData(noise, 3, 24, 24), png);
            var pngBytes = File.ReadAllBytes(png);
            using var image = SKImage.FromEncodedData(pngBytes);
            return
            [
                pngBytes,
                Encode(image, SKEncodedImageFormat.Jpeg),
                Encode(image, SKEncodedImageFormat.Webp),
                .. new[] { "valid_16x16.jpg", "valid_4x3.bmp", "valid_1x1.gif" }
                    .Select(name => File.ReadAllBytes(Path.Combine(FixturePaths.Folder("Hostile"), name))),
            ];
        }
        finally
        {
            File.Delete(png);
        }
    }

    private static byte[] Encode(SKImage image, SKEncodedImageFormat format)
    {
        using var data = image.Encode(format, 80);
        return data.ToArray();
    }

    private static string Describe(byte[] bytes) => $"{bytes.Length} bytes: {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 64)))}";
}
