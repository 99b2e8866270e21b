namespace ImageClassifier.Onnx;

/// <summary>A constant of the graph (an initializer): a weight named after its state-dict key, or a constant an operator needs.</summary>
/// <param name="Name">The value's name in the graph.</param>
/// <param name="DataType">The element type.</param>
/// <param name="Dims">The shape; empty for a scalar.</param>
/// <param name="RawData">The elements in row-major order, little-endian, as ONNX's <c>raw_data</c> holds them.</param>
public sealed record OnnxTensor(string Name, OnnxDataType DataType, IReadOnlyList<long> Dims, byte[] RawData);
