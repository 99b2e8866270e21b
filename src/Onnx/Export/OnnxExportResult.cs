namespace ImageClassifier.Onnx.Export;

/// <summary>What <see cref="OnnxRunExporter"/> wrote.</summary>
/// <param name="Path">The ONNX file.</param>
/// <param name="Channels">The input's channels.</param>
/// <param name="Height">The input's height.</param>
/// <param name="Width">The input's width.</param>
/// <param name="NumClasses">The class count.</param>
/// <param name="FoldedNorms">How many batch norms were folded into the convolutions before them.</param>
/// <param name="Softmax">Whether the file has the "scores" output.</param>
public sealed record OnnxExportResult(string Path, int Channels, int Height, int Width, int NumClasses, int FoldedNorms, bool Softmax);
