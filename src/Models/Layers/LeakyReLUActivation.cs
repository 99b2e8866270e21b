using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>x for x &gt;= 0, negative_slope * x otherwise; mmcv's <c>{"type": "LeakyReLU"}</c>.</summary>
[RegisterModel("LeakyReLU")]
public sealed class LeakyReLUActivation : ActivationBuilder
{
    private readonly double negativeSlope;
    private readonly bool inplace;

    /// <param name="negativeSlope">The slope for negative inputs.</param>
    /// <param name="inplace">Overwrite the input instead of allocating the output; the values are the same.</param>
    public LeakyReLUActivation(double negativeSlope = 0.01, bool inplace = false)
    {
        this.negativeSlope = negativeSlope;
        this.inplace = inplace;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => new LeakyReLU(negativeSlope, inplace);
}
