using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// Xavier (Glorot) initialisation of the matched layers' weights, std = gain × √(2 / (fan_in + fan_out))
/// (mmengine's <c>XavierInit</c>); biases get <c>bias</c>.
/// </summary>
[RegisterModel("Xavier")]
public sealed class XavierInit : LayerInitializer
{
    /// <param name="gain">Scaling factor of the standard deviation.</param>
    /// <param name="distribution">"normal" or "uniform".</param>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of bias.</param>
    /// <param name="layer">Module type names to initialise ("Linear", "Conv2d", ...).</param>
    public XavierInit(double gain = 1, InitDistribution distribution = InitDistribution.Normal, double bias = 0, double? biasProb = null, string[]? layer = null)
        : base(bias, biasProb, layer)
    {
        Gain = gain;
        Distribution = distribution;
    }

    /// <summary>Scaling factor of the standard deviation.</summary>
    public double Gain { get; }

    /// <summary>The distribution drawn from.</summary>
    public InitDistribution Distribution { get; }

    /// <inheritdoc />
    protected override void FillWeight(Tensor weight) => WeightFill.Xavier(weight, Gain, Distribution);
}
