using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;

namespace SeedExamples.Losses;

/// <summary>
/// The L1 loss |pred - target|, weighted and reduced as mmpretrain's losses are (element-wise
/// weight, reduction, average factor); for example to imitate another classifier's probabilities.
/// </summary>
[RegisterModel]
public sealed class L1Loss : Loss
{
    private static readonly Func<Tensor, Tensor, Tensor?, Reduction, double?, Tensor> WeightedL1 = WeightedLoss.Wrap(Elementwise);

    private readonly Reduction reduction;
    // A Scalar kept for the loss's lifetime: "loss * 2.0" would make a temporary one every call (ICG022).
    private readonly Scalar lossWeight;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">How the element-wise loss is reduced: "none", "mean" or "sum".</param>
    /// <param name="lossWeight">The factor the loss is multiplied by.</param>
    public L1Loss(Reduction reduction = Reduction.Mean, [ValueRange(Minimum = 0)] double lossWeight = 1.0)
        : base(nameof(L1Loss))
    {
        if (!Enum.IsDefined(reduction))
        {
            throw new ConfigValueException("reduction", reduction, "one of \"none\", \"mean\", \"sum\"");
        }

        this.reduction = reduction;
        this.lossWeight = lossWeight.ToScalar();
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        if (reductionOverride is { } requested && !Enum.IsDefined(requested))
        {
            throw new ArgumentOutOfRangeException(nameof(reductionOverride), requested, "reductionOverride must be null, none, mean or sum.");
        }

        using var loss = WeightedL1(pred, target, weight, reductionOverride ?? reduction, avgFactor);
        return loss * lossWeight;
    }

    private static Tensor Elementwise(Tensor pred, Tensor target)
    {
        if (!pred.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException($"pred ({string.Join(", ", pred.shape)}) and target ({string.Join(", ", target.shape)}) must have the same shape.", nameof(target));
        }

        if (target.numel() == 0)
        {
            throw new ArgumentException("target must not be empty.", nameof(target));
        }

        return (pred - target).abs();
    }
}
