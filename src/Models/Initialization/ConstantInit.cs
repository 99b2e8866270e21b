using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>Fills the matched layers' weights with <c>val</c> and their biases with <c>bias</c> (mmengine's <c>ConstantInit</c>).</summary>
[RegisterModel("Constant")]
public sealed class ConstantInit : LayerInitializer
{
    /// <param name="val">The value weights are filled with.</param>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of bias.</param>
    /// <param name="layer">Module type names to initialise ("_BatchNorm", "GroupNorm", "Linear", ...).</param>
    public ConstantInit(double val, double bias = 0, double? biasProb = null, string[]? layer = null)
        : base(bias, biasProb, layer)
    {
        Val = val;
    }

    /// <summary>The value weights are filled with.</summary>
    public double Val { get; }

    /// <inheritdoc />
    protected override void FillWeight(Tensor weight)
    {
        using var value = Val.ToScalar();
        weight.fill_(value);
    }
}
