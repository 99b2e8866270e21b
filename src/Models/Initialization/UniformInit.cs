using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>Draws the matched layers' weights from U(a, b); biases get <c>bias</c> (mmengine's <c>UniformInit</c>).</summary>
[RegisterModel("Uniform")]
public sealed class UniformInit : LayerInitializer
{
    /// <param name="a">Lower bound of the distribution.</param>
    /// <param name="b">Upper bound of the distribution.</param>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of bias.</param>
    /// <param name="layer">Module type names to initialise ("Linear", "Conv2d", ...).</param>
    public UniformInit(double a = 0, double b = 1, double bias = 0, double? biasProb = null, string[]? layer = null)
        : base(bias, biasProb, layer)
    {
        if (!(a <= b))
        {
            throw new ConfigValueException("b", b, $"at least a ({a})");
        }

        A = a;
        B = b;
    }

    /// <summary>Lower bound of the distribution.</summary>
    public double A { get; }

    /// <summary>Upper bound of the distribution.</summary>
    public double B { get; }

    /// <inheritdoc />
    protected override void FillWeight(Tensor weight) => weight.uniform_(A, B);
}
