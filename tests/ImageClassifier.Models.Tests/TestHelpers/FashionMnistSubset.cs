using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// The first images of the committed Fashion-MNIST subset (data/fashion-mnist-subset, gzip IDX
/// files), read without the data library this project does not reference: grey images repeated to
/// three channels, scaled to [0, 1] and resized, for the zoo's smoke trainings.
/// </summary>
internal static class FashionMnistSubset
{
    private const string FolderFromRepository = "data/fashion-mnist-subset";

    /// <summary>The first <paramref name="count"/> training images as (count, 3, size, size) float32 and their labels (count) int64.</summary>
    public static (Tensor Images, Tensor Labels) Train(int count, int size)
    {
        var folder = Locate();
        var pixels = Read(Path.Combine(folder, "train-images-idx3-ubyte.gz"), headerBytes: 16, count * 28 * 28);
        var labels = Read(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), headerBytes: 8, count);
        using var scope = NewDisposeScope();
        using var white = 255.0.ToScalar();
        var grey = tensor(pixels, [count, 1, 28, 28]).to_type(ScalarType.Float32).div(white);
        var images = nn.functional.interpolate(grey, [size, size], mode: InterpolationMode.Bilinear, align_corners: false).repeat(1, 3, 1, 1);
        var targets = tensor(labels).to_type(ScalarType.Int64);
        return (images.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    private static byte[] Read(string path, int headerBytes, int length)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var buffer = new byte[headerBytes + length];
        gzip.ReadExactly(buffer);
        return buffer[headerBytes..];
    }

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(FixturePaths.Folder()); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, FolderFromRepository);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Cannot find {FolderFromRepository} above {FixturePaths.Folder()}.");
    }
}
