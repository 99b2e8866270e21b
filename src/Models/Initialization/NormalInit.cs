using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>Draws the matched layers' weights from N(mean, std²); biases get <c>bias</c> (mmengine's <c>NormalInit</c>).</summary>
[RegisterModel("Normal")]
public sealed class NormalInit : LayerInitializer
{
    /// <param name="mean">Mean of the normal distribution.</param>
    /// <param name="std">Standard deviation of the normal distribution.</param>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of bias.</param>
    /// <param name="layer">Module type names to initialise ("Linear", "Conv2d", ...).</param>
    public NormalInit(double mean = 0, [ValueRange(Minimum = 0)] double std = 1, double bias = 0, double? biasProb = null, string[]? layer = null)
        : base(bias, biasProb, layer)
    {
        if (!(std >= 0))
        {
            throw new ConfigValueException("std", std, "at least 0");
        }

        Mean = mean;
        Std = std;
    }

    /// <summary>Mean of the normal distribution.</summary>
    public double Mean { get; }

    /// <summary>Standard deviation of the normal distribution.</summary>
    public double Std { get; }

    /// <inheritdoc />
    protected override void FillWeight(Tensor weight) => weight.normal_(Mean, Std);
}
