namespace ImageClassifier.Onnx.Export;

/// <summary>How <see cref="OnnxRunExporter"/> exports a run's model and checkpoint.</summary>
public sealed record OnnxRunExportOptions
{
    /// <summary>Add a "scores" output, the softmax probabilities the inferencer reports.</summary>
    public bool Softmax { get; init; }

    /// <summary>
    /// The input's height and width; null takes them from the test pipeline, which must then give
    /// every image one size (a resize to a fixed scale, or a crop).
    /// </summary>
    public (int Height, int Width)? InputSize { get; init; }
}
