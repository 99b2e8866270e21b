namespace ImageClassifier.Onnx;

/// <summary>The kinds of attribute values exported graphs use; the values are ONNX's <c>AttributeProto.AttributeType</c> numbers.</summary>
public enum OnnxAttributeKind
{
    /// <summary>One float.</summary>
    Float = 1,

    /// <summary>One 64-bit integer.</summary>
    Int = 2,

    /// <summary>One string.</summary>
    String = 3,

    /// <summary>A list of floats.</summary>
    Floats = 6,

    /// <summary>A list of 64-bit integers.</summary>
    Ints = 7,
}
