namespace ImageClassifier.Onnx;

/// <summary>
/// A module that writes its own computation into an ONNX graph, because ONNX export here is
/// structural (TorchSharp has no tracer): the exporter walks the module tree and asks each module
/// for the nodes that do what its <c>forward</c> does in evaluation mode. TorchSharp's standard
/// layers (Conv2d, Linear, ReLU, pooling, Sequential, ...) need nothing; a composite module whose
/// <c>forward</c> is code implements this, usually by calling <see cref="OnnxGraphBuilder.Export(TorchSharp.torch.nn.Module, string)"/>
/// on its submodules and adding the operators between them. A plugin's module does the same.
/// </summary>
/// <remarks>
/// A class that overrides <c>forward</c> without also overriding its base's export is refused with
/// an error naming it, so that a derived module never inherits an export that computes something else.
/// </remarks>
public interface IOnnxExportable
{
    /// <summary>
    /// Adds this module's evaluation-mode forward to <paramref name="graph"/>.
    /// </summary>
    /// <param name="graph">The graph being built; its <see cref="OnnxGraphBuilder.Path"/> is this module's state-dict prefix.</param>
    /// <param name="inputs">The names of the graph values this module's forward takes: one for a tensor, one per feature map for a list.</param>
    /// <returns>The names of the values its forward returns, in the same sense: one for a tensor, one per item of a list.</returns>
    IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs);
}
