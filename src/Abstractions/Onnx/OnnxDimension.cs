namespace ImageClassifier.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size, or a named size chosen at run time (such as "batch").</summary>
/// <param name="Value">The fixed size, or null for a named one.</param>
/// <param name="Symbol">The name of a size chosen at run time, or null for a fixed one.</param>
public readonly record struct OnnxDimension(long? Value, string? Symbol)
{
    /// <summary>A fixed size.</summary>
    public static OnnxDimension Fixed(long value) => new(value, null);

    /// <summary>A size chosen at run time, called <paramref name="symbol"/>.</summary>
    public static OnnxDimension Dynamic(string symbol) => new(null, symbol);
}
