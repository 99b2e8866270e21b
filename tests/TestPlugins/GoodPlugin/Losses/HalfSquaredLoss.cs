using ImageClassifier;
using static TorchSharp.torch;

namespace GoodPlugin.Losses;

/// <summary>Half the squared error, 0.5 * (pred - target)^2, weighted and reduced as mmpretrain does.</summary>
[RegisterModel(Aliases = ["half_mse"])]
public sealed class HalfSquaredLoss : Loss
{
    /// <param name="reduction">How the element-wise loss is reduced.</param>
    /// <param name="lossWeight">The factor the reduced loss is multiplied by.</param>
    public HalfSquaredLoss(Reduction reduction = Reduction.Mean, double lossWeight = 1.0)
        : base(nameof(HalfSquaredLoss))
    {
        Reduction = reduction;
        LossWeight = lossWeight;
    }

    /// <summary>How the element-wise loss is reduced.</summary>
    public Reduction Reduction { get; }

    /// <summary>The factor the reduced loss is multiplied by.</summary>
    public double LossWeight { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        using var scope = NewDisposeScope();
        var difference = pred - target;
        var elementwise = difference * difference * 0.5;
        var reduced = WeightedLoss.Reduce(elementwise, weight, reductionOverride ?? Reduction, avgFactor);
        return (reduced * LossWeight).MoveToOuterDisposeScope();
    }
}
