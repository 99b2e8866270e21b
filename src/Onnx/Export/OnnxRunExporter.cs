using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;

namespace ImageClassifier.Onnx.Export;

/// <summary>
/// Exports a run's model with a checkpoint's weights to an ONNX file, exactly as the TorchSharp
/// <see cref="ImageClassificationInferencer"/> runs it: loaded strictly, in evaluation mode, batch
/// norms folded. The file takes the test pipeline's output as float32 pixels and names the
/// checkpoint's classes in its metadata.
/// </summary>
public static class OnnxRunExporter
{
    /// <summary>Exports <paramref name="run"/>'s model with <paramref name="checkpoint"/> to <paramref name="path"/> (atomically).</summary>
    /// <exception cref="OnnxExportException">A module cannot be exported, or the input size is not fixed by the pipeline.</exception>
    public static OnnxExportResult Export(RunDefinition run, string checkpoint, string path, OnnxRunExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxRunExportOptions();
        if (options.InputSize is { } given && (given.Height < 1 || given.Width < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"The input size must be positive, not {given.Height}x{given.Width}.");
        }

        using var inferencer = new ImageClassificationInferencer(run, checkpoint, "cpu");
        var (height, width) = options.InputSize ?? PipelineOutputSize(run.BuildTestPipeline(), inferencer.Channels);
        OnnxExporter.Export(inferencer.Model, path, new OnnxExportOptions
        {
            Height = height,
            Width = width,
            Channels = inferencer.Channels,
            Softmax = options.Softmax,
            Classes = inferencer.Classes,

            // Image files decode to BGR, as mmcv's do, and the pipeline keeps that order.
            ChannelOrder = inferencer.Channels == 1 ? "gray" : "bgr",
        });
        return new OnnxExportResult(Path.GetFullPath(path), inferencer.Channels, height, width, inferencer.NumClasses, inferencer.FoldedNorms, options.Softmax);
    }

    /// <summary>
    /// The height and width the test pipeline gives every image, found by running it on a landscape
    /// and a portrait blank image: they agree only when the pipeline fixes the size.
    /// </summary>
    /// <exception cref="OnnxExportException">The two sizes differ.</exception>
    public static (int Height, int Width) PipelineOutputSize(IReadOnlyList<Transform> pipeline, int channels)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var landscape = Apply(pipeline, channels, 480, 640);
        var portrait = Apply(pipeline, channels, 640, 480);
        if (landscape != portrait)
        {
            throw new OnnxExportException(
                $"The test pipeline does not give every image one size (a 640x480 image becomes {landscape.Width}x{landscape.Height}, a 480x640 one {portrait.Width}x{portrait.Height}), " +
                "and an exported graph has a fixed height and width: give the input size (icls export --input-size H,W).");
        }

        return landscape;
    }

    private static (int Height, int Width) Apply(IReadOnlyList<Transform> pipeline, int channels, int height, int width)
    {
        var sample = new DataSample(new ImageData(new byte[channels * height * width], channels, height, width), 0, "probe");
        var random = new Random(0);
        foreach (var transform in pipeline)
        {
            sample = transform.Apply(sample, random);
        }

        return (sample.Image.Height, sample.Image.Width);
    }
}
