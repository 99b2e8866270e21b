using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Necks;

/// <summary>
/// Global average pooling: pools every feature map to size 1 over its spatial dimensions and
/// flattens it, (N, C, ...) to (N, C). Every feature map of the input is pooled.
/// </summary>
[RegisterModel]
public sealed class GlobalAveragePooling : Neck, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> gap;

    /// <param name="dim">Spatial dimensions of the feature maps: 1 (sequences), 2 (images) or 3 (volumes).</param>
    public GlobalAveragePooling([OneOf(1, 2, 3)] int dim = 2)
        : base(nameof(GlobalAveragePooling))
    {
        gap = dim switch
        {
            1 => nn.AdaptiveAvgPool1d(1),
            2 => nn.AdaptiveAvgPool2d(1),
            3 => nn.AdaptiveAvgPool3d(1),
            _ => throw new ConfigValueException("dim", dim, "one of 1, 2, 3"),
        };
        Dim = dim;
        RegisterComponents();
    }

    /// <summary>The spatial dimensions this neck pools over.</summary>
    public int Dim { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pooled = new Tensor[input.Count];
        for (var index = 0; index < input.Count; index++)
        {
            using var map = gap.call(input[index]);
            pooled[index] = map.flatten(1);
        }

        return pooled;
    }

    /// <summary>Each map averaged over its spatial axes (ReduceMean without keeping them): (N, C, ...) to (N, C).</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        long[] axes = [.. Enumerable.Range(2, Dim).Select(axis => (long)axis)];
        return [.. inputs.Select(input => graph.Node("ReduceMean", [input], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", 0)))];
    }
}
