using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// min(max((x + bias) / divisor, min_value), max_value), mmcv's <c>{"type": "HSigmoid"}</c> with
/// mmcv 2's defaults (bias 3, divisor 6: PyTorch's <c>hardsigmoid</c>); MobileNetV3's
/// squeeze-and-excitation gate.
/// </summary>
[RegisterModel("HSigmoid")]
public sealed class HSigmoidActivation : ActivationBuilder
{
    private readonly double bias;
    private readonly double divisor;
    private readonly double minValue;
    private readonly double maxValue;

    /// <param name="bias">Added to the input first.</param>
    /// <param name="divisor">Divides the sum; not zero.</param>
    /// <param name="minValue">The lower bound of the output.</param>
    /// <param name="maxValue">The upper bound of the output.</param>
    public HSigmoidActivation(double bias = 3.0, double divisor = 6.0, double minValue = 0.0, double maxValue = 1.0)
    {
        if (divisor == 0 || !double.IsFinite(divisor))
        {
            throw new ConfigValueException("divisor", divisor, "a finite number other than 0");
        }

        this.bias = bias;
        this.divisor = divisor;
        this.minValue = minValue;
        this.maxValue = maxValue;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => new HSigmoid(bias, divisor, minValue, maxValue);
}
