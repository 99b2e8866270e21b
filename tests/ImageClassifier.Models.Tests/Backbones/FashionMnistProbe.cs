using System.IO.Compression;
using System.Runtime.CompilerServices;
using ImageClassifier.Models.Classifiers;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// <see cref="Probe"/> on real images: the first images of the Fashion-MNIST subset's test split
/// (data/fashion-mnist-subset, 28 x 28 grey, repeated to three channels and scaled to about zero
/// mean and unit variance) with their labels, a linear probe on the globally pooled last feature
/// map, cross entropy, plain SGD over every parameter that requires a gradient.
/// </summary>
internal static class FashionMnistProbe
{
    private const int Side = 28;

    /// <summary>Runs <paramref name="steps"/> SGD steps on one batch of <paramref name="count"/> images; returns the loss before the first step and after each one.</summary>
    public static IReadOnlyList<double> TrainSteps(Backbone backbone, int channels, int steps, int count = 16, double learningRate = 0.05)
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(channels, 10);
        return Train(
            backbone.parameters().Concat(fc.parameters()),
            (input, labels) => nn.functional.cross_entropy(fc.call(backbone.call(input)[^1].mean([2L, 3L])), labels),
            steps,
            count,
            learningRate);
    }

    /// <summary>
    /// The same SGD steps on a whole classifier, its head's own loss (<c>loss</c> of
    /// <see cref="Classifier.Loss"/>) on the images as they are, without its data preprocessor.
    /// </summary>
    public static IReadOnlyList<double> TrainClassifierSteps(Classifier model, int steps, int count = 16, double learningRate = 0.05)
    {
        using var scope = NewDisposeScope();
        return Train(model.parameters(), (input, labels) => model.Loss(input, labels)["loss"], steps, count, learningRate);
    }

    private static List<double> Train(IEnumerable<TorchSharp.Modules.Parameter> parameters, Func<Tensor, Tensor, Tensor> lossOf, int steps, int count, double learningRate)
    {
        var (input, labels) = Load(count);
        var trainable = parameters.Where(parameter => parameter.requires_grad).ToList();
        using var optimizer = optim.SGD(trainable, learningRate, momentum: 0.9);
        var losses = new List<double>();
        for (var step = 0; step <= steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = lossOf(input, labels);
            losses.Add(loss.item<float>());
            if (step < steps)
            {
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }

        return losses;
    }

    /// <summary>
    /// Trains <paramref name="backbone"/> 8 steps in training mode, writes the losses to
    /// <paramref name="output"/> and asserts that they stay finite, fall below 90 % of the first,
    /// and that every trainable parameter took part (received a gradient).
    /// </summary>
    public static void AssertLearns(Backbone backbone, int channels, ITestOutputHelper output, double learningRate = 0.05)
    {
        backbone.train();
        var losses = TrainSteps(backbone, channels, steps: 8, learningRate: learningRate);
        output.WriteLine(string.Join(" -> ", losses.Select(loss => loss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(losses, loss => Assert.True(double.IsFinite(loss)));
        Assert.True(losses.Skip(1).Min() < 0.9 * losses[0], $"the loss never fell below 90 % of its start {losses[0]} (best {losses.Skip(1).Min()})");
        Assert.All(backbone.parameters().Where(parameter => parameter.requires_grad), parameter => Assert.NotNull(parameter.grad));
    }

    // IDX files: a big-endian header (magic, count, then rows and columns for images), then one
    // byte per pixel or label.
    private static (Tensor Input, Tensor Labels) Load(int count)
    {
        var folder = DataFolder();
        var pixels = ReadIdx(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), 16, count * Side * Side);
        var labels = ReadIdx(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), 8, count);
        using var grey = tensor(pixels, [count, 1, Side, Side], ScalarType.Byte).to_type(ScalarType.Float32);
        using var scale = (1.0 / 255 / 0.35).ToScalar();
        using var shift = (0.29 / 0.35).ToScalar();
        using var normalized = grey.mul(scale).sub_(shift);
        return (normalized.expand(count, 3, Side, Side).contiguous(), tensor(labels.Select(label => (long)label).ToArray()));
    }

    private static byte[] ReadIdx(string path, int headerBytes, int length)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var buffer = new byte[headerBytes + length];
        stream.ReadExactly(buffer);
        return buffer[headerBytes..];
    }

    private static string DataFolder([CallerFilePath] string sourceFile = "")
    {
        // This file sits in tests/ImageClassifier.Models.Tests/Backbones/; a build with mapped
        // source paths finds the repository above the test binaries instead.
        var besideSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", "..", "..", "..", "data", "fashion-mnist-subset"));
        if (Directory.Exists(besideSource))
        {
            return besideSource;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "data", "fashion-mnist-subset");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Cannot find data/fashion-mnist-subset above {besideSource} or {AppContext.BaseDirectory}.");
    }
}
