using System.IO.Compression;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// The first images of the committed Fashion-MNIST subset (<c>data/fashion-mnist-subset</c>, gzip
/// IDX files), read without the Data library, which this project does not reference: for smoke
/// tests that train a zoo backbone on real images.
/// </summary>
internal static class FashionMnistSubset
{
    private const int Side = 28;

    /// <summary>
    /// The first <paramref name="count"/> training images as a (count, 3, side, side) batch (the grey
    /// channel repeated, zero-padded from 28 to <paramref name="side"/>, scaled to about zero mean and
    /// unit spread) and their labels (count), 0 ... 9.
    /// </summary>
    public static (Tensor Images, Tensor Labels) Load(int count, int side = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, Side);
        var pixels = Read("train-images-idx3-ubyte.gz", 16, count * Side * Side);
        var labels = Read("train-labels-idx1-ubyte.gz", 8, count);
        using var scope = NewDisposeScope();
        var grey = tensor(pixels).reshape(count, 1, Side, Side).to_type(ScalarType.Float32);

        // Fashion-MNIST's mean and spread, 72.9 and 90.0 out of 255.
        using var mean = 72.9.ToScalar();
        using var spread = 90.0.ToScalar();
        var normalised = grey.sub_(mean).div_(spread);
        var before = (side - Side) / 2;
        var padded = nn.functional.pad(normalised, [before, side - Side - before, before, side - Side - before]);
        var images = padded.expand(count, 3, side, side).contiguous();
        return (images.MoveToOuterDisposeScope(), tensor(labels.Select(label => (long)label).ToArray()).MoveToOuterDisposeScope());
    }

    private static byte[] Read(string file, int header, int length)
    {
        using var stream = new GZipStream(File.OpenRead(Path.Combine(Folder(), file)), CompressionMode.Decompress);
        var buffer = new byte[header + length];
        stream.ReadExactly(buffer);
        return buffer[header..];
    }

    private static string Folder([CallerFilePath] string sourceFile = "")
    {
        // Above this source file (tests/ImageClassifier.Models.Tests/TestHelpers/), else above the binaries.
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile) ?? ".", AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "data", "fashion-mnist-subset");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"Cannot find data/fashion-mnist-subset above {sourceFile} or {AppContext.BaseDirectory}.");
    }
}
