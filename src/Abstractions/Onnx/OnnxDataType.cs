namespace ImageClassifier.Onnx;

/// <summary>The element types exported graphs use; the values are ONNX's <c>TensorProto.DataType</c> numbers.</summary>
public enum OnnxDataType
{
    /// <summary>32-bit float.</summary>
    Float = 1,

    /// <summary>64-bit signed integer (shapes, indices).</summary>
    Int64 = 7,
}
