namespace ImageClassifier.Onnx;

/// <summary>One operator call of the graph (ONNX's default domain).</summary>
/// <param name="Name">A unique node name, built from the module path.</param>
/// <param name="OpType">The operator, as ONNX names it ("Conv", "Relu").</param>
/// <param name="Inputs">The input value names; an empty string leaves an optional input out.</param>
/// <param name="Outputs">The output value names.</param>
/// <param name="Attributes">The operator's attributes.</param>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes);
