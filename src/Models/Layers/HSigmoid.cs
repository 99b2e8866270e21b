using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's hard sigmoid, min(max((x + bias) / divisor, min_value), max_value); built by
/// <see cref="HSigmoidActivation"/>. Any shape in, the same shape out. The four numbers are kept as
/// native scalars for the layer's lifetime, so the forward makes no temporary ones (docs/reliability.md).
/// </summary>
public sealed class HSigmoid : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Scalar bias;
    private readonly Scalar divisor;
    private readonly Scalar minValue;
    private readonly Scalar maxValue;

    /// <summary>Creates the layer.</summary>
    /// <param name="bias">Added to the input first.</param>
    /// <param name="divisor">Divides the sum; not zero.</param>
    /// <param name="minValue">The lower bound of the output.</param>
    /// <param name="maxValue">The upper bound of the output.</param>
    public HSigmoid(double bias = 3.0, double divisor = 6.0, double minValue = 0.0, double maxValue = 1.0)
        : base(nameof(HSigmoid))
    {
        if (divisor == 0 || !double.IsFinite(divisor))
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "The divisor of a hard sigmoid must be finite and not zero.");
        }

        Bias = bias;
        Divisor = divisor;
        MinValue = minValue;
        MaxValue = maxValue;
        this.bias = bias.ToScalar();
        this.divisor = divisor.ToScalar();
        this.minValue = minValue.ToScalar();
        this.maxValue = maxValue.ToScalar();
    }

    /// <summary>Added to the input before the division.</summary>
    public double Bias { get; }

    /// <summary>Divides the biased input.</summary>
    public double Divisor { get; }

    /// <summary>The lower bound of the output.</summary>
    public double MinValue { get; }

    /// <summary>The upper bound of the output.</summary>
    public double MaxValue { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = input.add(bias, ScalarConstants.One);
        return output.div_(divisor).clamp_(minValue, maxValue);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var shifted = graph.Node("Add", [inputs[0], graph.Scalar((float)Bias)]);
        return [OnnxOperators.Clip(graph, graph.Node("Div", [shifted, graph.Scalar((float)Divisor)]), MinValue, MaxValue)];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bias.Dispose();
            divisor.Dispose();
            minValue.Dispose();
            maxValue.Dispose();
        }

        base.Dispose(disposing);
    }
}
