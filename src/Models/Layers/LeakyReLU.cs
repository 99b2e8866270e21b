using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// x for x &gt;= 0, negative_slope * x otherwise, as PyTorch's <c>nn.LeakyReLU</c>; built by
/// <see cref="LeakyReLUActivation"/>. TorchSharp's own layer turns the slope into a temporary
/// native scalar in every forward (docs/reliability.md); this one keeps it for its lifetime.
/// </summary>
public sealed class LeakyReLU : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Scalar negativeSlope;
    private readonly bool inplace;

    /// <summary>Creates the layer.</summary>
    /// <param name="negativeSlope">The slope for negative inputs.</param>
    /// <param name="inplace">Overwrite the input instead of allocating the output.</param>
    public LeakyReLU(double negativeSlope = 0.01, bool inplace = false)
        : base(nameof(LeakyReLU))
    {
        NegativeSlope = negativeSlope;
        this.negativeSlope = negativeSlope.ToScalar();
        this.inplace = inplace;
    }

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return inplace ? input.leaky_relu_(negativeSlope).alias() : input.leaky_relu(negativeSlope);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Node("LeakyRelu", [inputs[0]], OnnxAttribute.Float("alpha", (float)NegativeSlope))];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            negativeSlope.Dispose();
        }

        base.Dispose(disposing);
    }
}
