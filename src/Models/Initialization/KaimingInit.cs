using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// Kaiming (He) initialisation of the matched layers' weights, std = gain / √fan (mmengine's
/// <c>KaimingInit</c>); biases get <c>bias</c>.
/// </summary>
[RegisterModel("Kaiming")]
public sealed class KaimingInit : LayerInitializer
{
    /// <param name="a">Negative slope of the rectifier after the layer (leaky_relu only).</param>
    /// <param name="mode">"fan_out" keeps gradient magnitudes in the backward pass, "fan_in" activations in the forward pass.</param>
    /// <param name="nonlinearity">The function after the layer; sets the gain.</param>
    /// <param name="distribution">"normal" or "uniform".</param>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of bias.</param>
    /// <param name="layer">Module type names to initialise ("Conv2d", "_ConvNd", "Linear", ...).</param>
    public KaimingInit(
        double a = 0,
        FanMode mode = FanMode.FanOut,
        Nonlinearity nonlinearity = Nonlinearity.Relu,
        InitDistribution distribution = InitDistribution.Normal,
        double bias = 0,
        double? biasProb = null,
        string[]? layer = null)
        : base(bias, biasProb, layer)
    {
        A = a;
        Mode = mode;
        Nonlinearity = nonlinearity;
        Distribution = distribution;
    }

    /// <summary>Negative slope of the rectifier (leaky_relu only).</summary>
    public double A { get; }

    /// <summary>The fan the standard deviation is scaled by.</summary>
    public FanMode Mode { get; }

    /// <summary>The function after the layer.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <summary>The distribution drawn from.</summary>
    public InitDistribution Distribution { get; }

    /// <inheritdoc />
    protected override void FillWeight(Tensor weight) => WeightFill.Kaiming(weight, A, Mode, Nonlinearity, Distribution);
}
