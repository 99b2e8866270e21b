using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// The fills behind the initializers, written with tensor operations under no_grad (TorchSharp
/// 0.107's <c>nn.init.xavier_normal_</c> draws from the uniform distribution, so its init
/// functions are not used). Random draws use the global generator: <c>torch.manual_seed</c> repeats them.
/// </summary>
public static class WeightFill
{
    /// <summary>PyTorch's fans of a weight (out, in, *kernel): (in × receptive field, out × receptive field).</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() < 2)
        {
            throw new ArgumentException($"Fan in and fan out need a tensor of at least 2 dimensions, but this one has shape [{string.Join(", ", weight.shape)}].", nameof(weight));
        }

        var receptiveField = weight.shape.Skip(2).Aggregate(1L, (product, size) => product * size);
        return (weight.shape[1] * receptiveField, weight.shape[0] * receptiveField);
    }

    /// <summary>PyTorch's <c>calculate_gain</c>; <paramref name="negativeSlope"/> is used by <see cref="Nonlinearity.LeakyRelu"/> only.</summary>
    public static double Gain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Tanh => 5.0 / 3.0,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1.0 + (negativeSlope * negativeSlope))),
        Nonlinearity.Selu => 3.0 / 4.0,
        _ => 1.0,
    };

    /// <summary>Kaiming (He) initialisation: standard deviation gain / √fan.</summary>
    public static void Kaiming(Tensor weight, double a, FanMode mode, Nonlinearity nonlinearity, InitDistribution distribution)
    {
        if (weight.numel() == 0)
        {
            return;
        }

        var (fanIn, fanOut) = Fans(weight);
        var std = Gain(nonlinearity, a) / Math.Sqrt(mode == FanMode.FanIn ? fanIn : fanOut);
        Draw(weight, std, distribution);
    }

    /// <summary>Xavier (Glorot) initialisation: standard deviation gain × √(2 / (fan_in + fan_out)).</summary>
    public static void Xavier(Tensor weight, double gain, InitDistribution distribution)
    {
        if (weight.numel() == 0)
        {
            return;
        }

        var (fanIn, fanOut) = Fans(weight);
        Draw(weight, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), distribution);
    }

    /// <summary>
    /// A normal distribution truncated to [<paramref name="a"/>, <paramref name="b"/>], drawn as
    /// mmengine draws it: uniform between the bounds' CDF values, the inverse CDF, then a clamp.
    /// </summary>
    public static void TruncNormal(Tensor weight, double mean, double std, double a, double b)
    {
        using var noGrad = torch.no_grad();
        var lower = NormalCdf((a - mean) / std);
        var upper = NormalCdf((b - mean) / std);
        weight.uniform_((2 * lower) - 1, (2 * upper) - 1);
        weight.erfinv_();
        using var scale = (std * Math.Sqrt(2.0)).ToScalar();
        using var shift = mean.ToScalar();
        using var lowest = a.ToScalar();
        using var highest = b.ToScalar();
        weight.mul_(scale);
        weight.add_(shift, ScalarConstants.One);
        weight.clamp_(lowest, highest);
    }

    private static void Draw(Tensor weight, double std, InitDistribution distribution)
    {
        using var noGrad = torch.no_grad();
        if (distribution == InitDistribution.Uniform)
        {
            // A uniform distribution on [-√3 σ, √3 σ] has standard deviation σ.
            var bound = Math.Sqrt(3.0) * std;
            weight.uniform_(-bound, bound);
        }
        else
        {
            weight.normal_(0.0, std);
        }
    }

    private static double NormalCdf(double x)
    {
        using var value = torch.tensor(x / Math.Sqrt(2.0), ScalarType.Float64);
        using var erf = value.erf();
        return (1.0 + erf.item<double>()) / 2.0;
    }
}
