namespace ImageClassifier.Onnx;

/// <summary>A graph input or output: its name, element type and shape.</summary>
/// <param name="Name">The value's name in the graph.</param>
/// <param name="DataType">The element type.</param>
/// <param name="Shape">The dimensions, fixed or named.</param>
public sealed record OnnxValueInfo(string Name, OnnxDataType DataType, IReadOnlyList<OnnxDimension> Shape);
