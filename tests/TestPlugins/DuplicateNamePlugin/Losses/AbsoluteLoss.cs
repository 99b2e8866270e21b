using ImageClassifier;
using static TorchSharp.torch;

namespace DuplicateNamePlugin.Losses;

/// <summary>The mean absolute error; its name is the plugin's own, so only the neck clashes.</summary>
[RegisterModel]
public sealed class AbsoluteLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public AbsoluteLoss()
        : base(nameof(AbsoluteLoss))
    {
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        using var scope = NewDisposeScope();
        var elementwise = (pred - target).abs();
        return WeightedLoss.Reduce(elementwise, weight, reductionOverride ?? Reduction.Mean, avgFactor).MoveToOuterDisposeScope();
    }
}
