using System.Buffers.Binary;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST: two zero bytes, a type byte (0x08 for unsigned
/// bytes), the number of dimensions, each dimension as a big-endian int32, then the data.
/// Offsets in errors count bytes of the decompressed file.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an image file: (count, rows, columns) unsigned bytes.</summary>
    /// <exception cref="DataFormatException">The file is not such an IDX file, or is truncated.</exception>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (bytes, dimensions, dataStart) = Read(path, expectedRank: 3, what: "images (count, rows, columns)");
        var (count, rows, columns) = (dimensions[0], dimensions[1], dimensions[2]);
        if (rows == 0 || columns == 0)
        {
            throw new DataFormatException(path, 8, $"the images are {rows}x{columns}; both sides must be at least 1");
        }

        return (Slice(bytes, dataStart, count, (long)rows * columns, path, $"{count} images of {rows}x{columns}"), count, rows, columns);
    }

    /// <summary>Reads a label file: (count) unsigned bytes.</summary>
    /// <exception cref="DataFormatException">The file is not such an IDX file, or is truncated.</exception>
    public static byte[] ReadLabels(string path)
    {
        var (bytes, dimensions, dataStart) = Read(path, expectedRank: 1, what: "labels (count)");
        return Slice(bytes, dataStart, dimensions[0], 1, path, $"{dimensions[0]} labels");
    }

    /// <summary>Writes an IDX file of unsigned bytes with the given dimensions (for tests and tools).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> data, params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        var header = 4 + (4 * dimensions.Length);
        var bytes = new byte[header + data.Length];
        bytes[2] = UnsignedByteType;
        bytes[3] = (byte)dimensions.Length;
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes.AsSpan(header));
        return bytes;
    }

    private static (byte[] Bytes, int[] Dimensions, int DataStart) Read(string path, int expectedRank, string what)
    {
        var bytes = DatasetFiles.ReadAll(path);
        if (bytes.Length < 4)
        {
            throw new DataFormatException(path, bytes.Length, $"the file ends after {bytes.Length} bytes, inside the 4-byte IDX magic number: it is truncated or not an IDX file");
        }

        if (bytes[0] != 0 || bytes[1] != 0)
        {
            throw new DataFormatException(path, 0, $"expected an IDX file, which starts with two zero bytes, but it starts with 0x{bytes[0]:X2} 0x{bytes[1]:X2}");
        }

        if (bytes[2] != UnsignedByteType)
        {
            throw new DataFormatException(path, 2, $"the IDX data type is 0x{bytes[2]:X2}; only unsigned bytes (0x08) are supported");
        }

        if (bytes[3] != expectedRank)
        {
            throw new DataFormatException(path, 3, $"expected {what}, {expectedRank} dimension(s), but the file declares {bytes[3]}");
        }

        var dataStart = 4 + (4 * expectedRank);
        if (bytes.Length < dataStart)
        {
            throw new DataFormatException(path, bytes.Length, $"the file ends after {bytes.Length} bytes, inside the {dataStart}-byte header: it is truncated");
        }

        var dimensions = new int[expectedRank];
        for (var i = 0; i < expectedRank; i++)
        {
            var size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
            if (size < 0)
            {
                throw new DataFormatException(path, 4 + (4 * i), $"dimension {i} is {size}; sizes cannot be negative");
            }

            dimensions[i] = size;
        }

        return (bytes, dimensions, dataStart);
    }

    private static byte[] Slice(byte[] bytes, int start, int count, long recordSize, string path, string promise)
    {
        var length = count * recordSize;
        var end = start + length;
        if (bytes.LongLength < end)
        {
            var whole = (bytes.LongLength - start) / recordSize;
            throw new DataFormatException(
                path,
                bytes.LongLength,
                $"the header promises {promise} ({length} bytes from byte {start}), but the file ends at byte {bytes.LongLength}: it is truncated ({whole} whole records are there)");
        }

        if (bytes.LongLength > end)
        {
            throw new DataFormatException(path, end, $"the header promises {promise}, which end at byte {end}, but {bytes.LongLength - end} more bytes follow: the file is damaged or not what it claims");
        }

        return bytes.AsSpan(start, (int)length).ToArray();
    }
}
