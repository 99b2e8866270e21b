using System.Globalization;
using System.Text.Json;
using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx.Export;

/// <summary>
/// Exports a classifier to ONNX: the graph takes float32 pixels "input" (batch, C, H, W), 0 to 255,
/// in the channel order of the test pipeline's output, with the data preprocessor inside, and gives
/// "logits" (batch, num_classes) and, with <see cref="OnnxExportOptions.Softmax"/>, "scores". The
/// batch dimension is dynamic; height and width are fixed. Weights are initializers named after
/// their state-dict keys. The export is structural (<see cref="OnnxGraphBuilder"/>), so a module
/// with no export stops it with an <see cref="OnnxExportException"/> naming the module.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The graph input's name.</summary>
    public const string InputName = "input";

    /// <summary>The raw class scores' output name.</summary>
    public const string LogitsName = "logits";

    /// <summary>The probabilities' output name (with softmax).</summary>
    public const string ScoresName = "scores";

    /// <summary>The name of the dynamic batch dimension.</summary>
    public const string BatchDimension = "batch";

    /// <summary>
    /// Builds the graph of <paramref name="model"/> as the inferencer runs it: the model is put in
    /// evaluation mode and, with <see cref="OnnxExportOptions.FoldBatchNorms"/>, its batch norms are
    /// folded in place (it stays fit for inference, not for training).
    /// </summary>
    /// <returns>The graph and the class count.</returns>
    /// <exception cref="OnnxExportException">A module cannot be exported.</exception>
    public static (OnnxGraph Graph, int NumClasses) BuildGraph(Classifier model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Channels);
        model.eval();
        if (options.FoldBatchNorms)
        {
            ConvBatchNormFolding.Fold(model);
        }

        var numClasses = CountClasses(model, options);
        var graph = new OnnxGraphBuilder(model.GetType().Name);
        var input = graph.AddInput(InputName, OnnxDataType.Float, [OnnxDimension.Dynamic(BatchDimension), OnnxDimension.Fixed(options.Channels), OnnxDimension.Fixed(options.Height), OnnxDimension.Fixed(options.Width)]);
        var outputs = graph.Export(model, [input]);
        graph.RequireStateUsed(model);
        if (outputs.Count != 1)
        {
            throw new OnnxExportException($"The model's export gave {outputs.Count} outputs where one (the class scores) was expected.");
        }

        OnnxDimension[] scoresShape = [OnnxDimension.Dynamic(BatchDimension), OnnxDimension.Fixed(numClasses)];
        graph.AddOutput(outputs[0], LogitsName, OnnxDataType.Float, scoresShape);
        if (options.Softmax)
        {
            var probabilities = graph.Node("Softmax", [outputs[0]], OnnxAttribute.Int("axis", 1));
            graph.AddOutput(probabilities, ScoresName, OnnxDataType.Float, scoresShape);
        }

        return (graph.Build(), numClasses);
    }

    /// <summary>Exports <paramref name="model"/> to <paramref name="stream"/> (see <see cref="BuildGraph"/>).</summary>
    /// <exception cref="OnnxExportException">A module cannot be exported.</exception>
    public static void Export(Classifier model, Stream stream, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (graph, numClasses) = BuildGraph(model, options);
        OnnxModelWriter.Write(graph, Metadata(options, numClasses), stream);
    }

    /// <summary>
    /// Exports <paramref name="model"/> to the file <paramref name="path"/>, atomically: the model is
    /// written to a temporary file beside it and renamed, so an export that fails leaves no file
    /// (and an existing file untouched).
    /// </summary>
    /// <exception cref="OnnxExportException">A module cannot be exported.</exception>
    public static void Export(Classifier model, string path, OnnxExportOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                Export(model, stream, options);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static Dictionary<string, string> Metadata(OnnxExportOptions options, int numClasses)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OnnxMetadataKeys.NumClasses] = numClasses.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadataKeys.InputShape] = string.Create(CultureInfo.InvariantCulture, $"{options.Channels},{options.Height},{options.Width}"),
            [OnnxMetadataKeys.InputRange] = "float32 pixels 0-255, preprocessing in the graph",
        };
        if (options.Classes is { } classes)
        {
            if (classes.Count != numClasses)
            {
                throw new ArgumentException($"{classes.Count} class names were given for a model that scores {numClasses} classes.", nameof(options));
            }

            metadata[OnnxMetadataKeys.Classes] = JsonSerializer.Serialize(classes);
        }

        if (options.ChannelOrder is { } order)
        {
            metadata[OnnxMetadataKeys.ChannelOrder] = order;
        }

        return metadata;
    }

    // The class count is the width of the model's output on one image of the export's size, which
    // also shows that the model runs at that size before anything is written.
    private static int CountClasses(Classifier model, OnnxExportOptions options)
    {
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var device = model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        var pixels = torch.zeros(1, options.Channels, options.Height, options.Width, device: device);
        var (inputs, _) = model.Preprocess(pixels);
        var logits = model.forward(inputs);
        return logits.dim() == 2
            ? (int)logits.shape[1]
            : throw new OnnxExportException($"The model gives scores of shape ({string.Join(", ", logits.shape)}) where (N, num_classes) was expected: it has no classification head.");
    }
}
