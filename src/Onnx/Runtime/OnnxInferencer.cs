using System.Globalization;
using System.Text.Json;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Onnx.Export;
using Microsoft.ML.OnnxRuntime;

namespace ImageClassifier.Onnx.Runtime;

/// <summary>
/// Classifies images with a model exported by <see cref="OnnxExporter"/>, run by ONNX Runtime on
/// the CPU: images go through the run's test pipeline (as the TorchSharp inferencer does), then the
/// graph, whose preprocessing is inside it. The class names come from the file's metadata, else
/// the labels as text. Safe to call from several threads (ONNX Runtime's sessions are).
/// </summary>
public sealed class OnnxInferencer : IImageClassificationInferencer
{
    private readonly InferenceSession session;
    private readonly Transform[] pipeline;
    private readonly bool hasScores;

    /// <summary>Loads <paramref name="onnxPath"/> and <paramref name="run"/>'s test pipeline.</summary>
    /// <param name="run">The run the model was exported from (its test pipeline prepares the images).</param>
    /// <param name="onnxPath">The exported model.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model this inferencer can run (it names the file and what is wrong).</exception>
    public OnnxInferencer(RunDefinition run, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"The ONNX model '{onnxPath}' does not exist.", onnxPath);
        }

        pipeline = run.BuildTestPipeline();
        try
        {
            session = new InferenceSession(onnxPath);
        }
        catch (OnnxRuntimeException error)
        {
            throw new InvalidDataException($"'{onnxPath}' is not an ONNX model ONNX Runtime can load: {error.Message}", error);
        }

        try
        {
            if (!session.InputMetadata.TryGetValue(OnnxExporter.InputName, out var input) || input.Dimensions.Length != 4
                || !session.OutputMetadata.TryGetValue(OnnxExporter.LogitsName, out var logits) || logits.Dimensions.Length != 2 || logits.Dimensions[1] < 1)
            {
                throw new InvalidDataException($"'{onnxPath}' is not a classifier exported by icls: it needs an input \"{OnnxExporter.InputName}\" (N, C, H, W) and an output \"{OnnxExporter.LogitsName}\" (N, classes).");
            }

            Channels = input.Dimensions[1];
            Height = input.Dimensions[2];
            Width = input.Dimensions[3];
            NumClasses = logits.Dimensions[1];
            hasScores = session.OutputMetadata.ContainsKey(OnnxExporter.ScoresName);
            Classes = ReadClasses(session, NumClasses, onnxPath);
            Path = onnxPath;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The ONNX file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc />
    public int NumClasses { get; }

    /// <inheritdoc />
    public int Channels { get; }

    /// <summary>The height the graph takes; the pipeline must give it.</summary>
    public int Height { get; }

    /// <summary>The width the graph takes; the pipeline must give it.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public IReadOnlyList<InferenceResult> Infer(IReadOnlyList<ImageData> images, IReadOnlyList<string>? sources = null, int topk = 1, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (topk < 1 || topk > NumClasses)
        {
            throw new ArgumentOutOfRangeException(nameof(topk), topk, $"topk must be between 1 and the model's {NumClasses} classes.");
        }

        if (sources is not null && sources.Count != images.Count)
        {
            throw new ArgumentException($"{sources.Count} sources were given for {images.Count} images.", nameof(sources));
        }

        var results = new List<InferenceResult>(images.Count);
        for (var start = 0; start < images.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, images.Count - start);
            var batch = new DataSample[count];
            for (var index = 0; index < count; index++)
            {
                var source = sources?[start + index] ?? $"image[{start + index}]";
                batch[index] = Transformed(new DataSample(images[start + index], 0, source));
            }

            results.AddRange(Classify(batch, topk));
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private static IReadOnlyList<string> ReadClasses(InferenceSession session, int numClasses, string onnxPath)
    {
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxMetadataKeys.Classes, out var json))
        {
            return [.. Enumerable.Range(0, numClasses).Select(label => label.ToString(CultureInfo.InvariantCulture))];
        }

        string[]? classes;
        try
        {
            classes = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"'{onnxPath}': the metadata \"{OnnxMetadataKeys.Classes}\" is not a JSON array of strings ({error.Message}).", error);
        }

        return classes is not null && classes.Length == numClasses
            ? classes
            : throw new InvalidDataException($"'{onnxPath}': the metadata names {classes?.Length ?? 0} classes, but the model scores {numClasses}.");
    }

    private DataSample Transformed(DataSample sample)
    {
        var random = new Random(0);
        foreach (var transform in pipeline)
        {
            sample = transform.Apply(sample, random);
        }

        var image = sample.Image;
        if (image.Channels != Channels || image.Height != Height || image.Width != Width)
        {
            throw new ArgumentException($"'{sample.Source}' is {image.ShapeText} after the test pipeline, but the ONNX model '{Path}' takes ({Channels}, {Height}, {Width}): export it with the pipeline's size, or use a pipeline that gives this one.");
        }

        return sample;
    }

    private List<InferenceResult> Classify(DataSample[] samples, int topk)
    {
        var imageSize = Channels * Height * Width;
        var pixels = new float[samples.Length * imageSize];
        for (var index = 0; index < samples.Length; index++)
        {
            var source = samples[index].Image.Pixels;
            for (var offset = 0; offset < imageSize; offset++)
            {
                pixels[(index * imageSize) + offset] = source[offset];
            }
        }

        var outputName = hasScores ? OnnxExporter.ScoresName : OnnxExporter.LogitsName;
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [samples.Length, Channels, Height, Width]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [outputName]);
        var values = outputs[0].GetTensorDataAsSpan<float>();

        var results = new List<InferenceResult>(samples.Length);
        for (var index = 0; index < samples.Length; index++)
        {
            var row = values.Slice(index * NumClasses, NumClasses).ToArray();
            var probabilities = hasScores ? row : Softmax(row);
            var top = Enumerable.Range(0, NumClasses)
                .OrderByDescending(label => probabilities[label])
                .ThenBy(label => label)
                .Take(topk)
                .Select(label => new ClassScore(label, Classes[label], probabilities[label]))
                .ToList();
            results.Add(new InferenceResult(samples[index].Source, top[0].Label, top[0].ClassName, top[0].Score, top));
        }

        return results;
    }

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exponentials = logits.Select(value => Math.Exp(value - max)).ToArray();
        var sum = exponentials.Sum();
        return [.. exponentials.Select(value => (float)(value / sum))];
    }
}
