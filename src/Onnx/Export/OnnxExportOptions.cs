namespace ImageClassifier.Onnx.Export;

/// <summary>What <see cref="OnnxExporter"/> writes: the input size, the outputs and the metadata stored in the file.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The input's height in pixels (after the test pipeline); fixed in the graph.</summary>
    public required int Height { get; init; }

    /// <summary>The input's width in pixels (after the test pipeline); fixed in the graph.</summary>
    public required int Width { get; init; }

    /// <summary>The input's channels: 3 for colour, 1 for grayscale.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Add a "scores" output: the softmax of the logits, the probabilities the inferencer reports.</summary>
    public bool Softmax { get; init; }

    /// <summary>Fold each batch norm into the convolution before it first, as the inferencer runs the model (<c>ConvBatchNormFolding</c>).</summary>
    public bool FoldBatchNorms { get; init; } = true;

    /// <summary>The class names, by label, stored as metadata; null stores none.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>
    /// The channel order the graph's input is in, stored as metadata for other consumers: "bgr"
    /// for models trained on image files (mmcv decodes to BGR), "rgb" for array datasets, "gray".
    /// </summary>
    public string? ChannelOrder { get; init; }
}
