namespace ImageClassifier.Onnx;

/// <summary>A finished graph, ready for a serializer: nodes in execution order, initializers, inputs and outputs.</summary>
/// <param name="Name">The graph's name.</param>
/// <param name="Nodes">The operator calls, each after the ones whose outputs it reads.</param>
/// <param name="Initializers">The constants: weights and operator constants.</param>
/// <param name="Inputs">The graph inputs.</param>
/// <param name="Outputs">The graph outputs.</param>
public sealed record OnnxGraph(string Name, IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxTensor> Initializers, IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs);
