using System.IO.Compression;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>Writes tiny dataset files at test time: IDX (MNIST), CIFAR binary batches and PNG folders.</summary>
public static class Fixtures
{
    /// <summary>
    /// A learnable toy image of <paramref name="label"/> (0 to 3): a bright square in quadrant
    /// <c>label</c> of a dark image, with a little noise from <paramref name="random"/>.
    /// </summary>
    public static byte[] ToyImage(int label, int side, Random random, int channels = 1)
    {
        var pixels = new byte[channels * side * side];
        var half = side / 2;
        var top = label / 2 * half;
        var left = label % 2 * half;
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < side; y++)
            {
                for (var x = 0; x < side; x++)
                {
                    var inside = y >= top && y < top + half && x >= left && x < left + half;
                    pixels[((c * side) + y) * side + x] = (byte)((inside ? 200 : 30) + random.Next(0, 40));
                }
            }
        }

        return pixels;
    }

    /// <summary>Writes an MNIST-layout split of <paramref name="count"/> toy images (labels 0-3) to <paramref name="folder"/>.</summary>
    public static (byte[] Pixels, byte[] Labels) WriteIdxSplit(string folder, string prefix, int count, int side = 8, bool gzip = true, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var pixels = new byte[count * side * side];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 4);
            ToyImage(labels[i], side, random).CopyTo(pixels, i * side * side);
        }

        WriteFile(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), IdxFile.Encode(pixels, count, side, side), gzip);
        WriteFile(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), IdxFile.Encode(labels, count), gzip);
        return (pixels, labels);
    }

    /// <summary>Writes both MNIST splits.</summary>
    public static void WriteMnist(string folder, int train = 64, int test = 32, int side = 8)
    {
        WriteIdxSplit(folder, "train", train, side, seed: 1);
        WriteIdxSplit(folder, "t10k", test, side, seed: 2);
    }

    /// <summary>Writes bytes, gzip-compressed to <paramref name="path"/>.gz when asked; returns the path written.</summary>
    public static string WriteFile(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }

        using var file = File.Create(path + ".gz");
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(bytes);
        return path + ".gz";
    }

    /// <summary>A CIFAR binary record file: per record the label byte(s) then 3x32x32 pixels (pixel value = record index).</summary>
    public static byte[] CifarRecords(IReadOnlyList<byte[]> labels)
    {
        var recordSize = labels[0].Length + CifarBinaryDataset.ImageBytes;
        var bytes = new byte[labels.Count * recordSize];
        for (var i = 0; i < labels.Count; i++)
        {
            labels[i].CopyTo(bytes, i * recordSize);
            bytes.AsSpan((i * recordSize) + labels[i].Length, CifarBinaryDataset.ImageBytes).Fill((byte)i);
        }

        return bytes;
    }

    /// <summary>Writes a PNG image (1 or 3 channels) of one colour.</summary>
    public static void WritePng(string path, int channels, int height, int width, byte value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pixels = new byte[channels * height * width];
        Array.Fill(pixels, value);
        ImageCodec.WritePng(new ImageData(pixels, channels, height, width), path);
    }
}
