using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// Draws the matched layers' weights from N(mean, std²) truncated to [a, b]; biases get
/// <c>bias</c> (mmengine's <c>TruncNormalInit</c>). The draw works best with a ≤ mean ≤ b.
/// </summary>
[RegisterModel("TruncNormal")]
public sealed class TruncNormalInit : LayerInitializer
{
    /// <param name="mean">Mean of the normal distribution.</param>
    /// <param name="std">Standard deviation of the normal distribution.</param>
    /// <param name="a">The lowest value drawn.</param>
    /// <param name="b">The highest value drawn.</param>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of bias.</param>
    /// <param name="layer">Module type names to initialise ("Linear", ...).</param>
    public TruncNormalInit(
        double mean = 0,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double std = 1,
        double a = -2,
        double b = 2,
        double bias = 0,
        double? biasProb = null,
        string[]? layer = null)
        : base(bias, biasProb, layer)
    {
        if (!(std > 0))
        {
            throw new ConfigValueException("std", std, "greater than 0");
        }

        if (!(a < b))
        {
            throw new ConfigValueException("b", b, $"greater than a ({a})");
        }

        Mean = mean;
        Std = std;
        A = a;
        B = b;
    }

    /// <summary>Mean of the normal distribution.</summary>
    public double Mean { get; }

    /// <summary>Standard deviation of the normal distribution.</summary>
    public double Std { get; }

    /// <summary>The lowest value drawn.</summary>
    public double A { get; }

    /// <summary>The highest value drawn.</summary>
    public double B { get; }

    /// <inheritdoc />
    protected override void FillWeight(Tensor weight) => WeightFill.TruncNormal(weight, Mean, Std, A, B);
}
