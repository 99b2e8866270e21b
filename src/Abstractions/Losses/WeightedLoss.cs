using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>
/// mmpretrain's weighted-loss semantics for element-wise losses: the element-wise weight is
/// applied first; then without an average factor the loss is reduced as asked, and with one,
/// "mean" divides the sum by it, "none" keeps the element-wise loss and "sum" is an error.
/// </summary>
public static class WeightedLoss
{
    /// <summary>Applies <paramref name="weight"/> to an element-wise loss and reduces it.</summary>
    public static Tensor Reduce(Tensor loss, Tensor? weight = null, Reduction reduction = Reduction.Mean, double? avgFactor = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (avgFactor is not null && reduction == Reduction.Sum)
        {
            throw new ArgumentException("avgFactor cannot be used with reduction \"sum\"; use \"mean\" or \"none\".", nameof(avgFactor));
        }

        var weighted = weight is null ? loss : loss * weight;
        switch (reduction, avgFactor)
        {
            case (Reduction.None, _):
                return weighted;
            case (Reduction.Mean, null):
                return weighted.mean();
            case (Reduction.Mean, double factor):
                using (var divisor = factor.ToScalar())
                {
                    return weighted.sum().div(divisor);
                }

            case (Reduction.Sum, _):
                return weighted.sum();
            default:
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction.");
        }
    }

    /// <summary>
    /// Wraps an element-wise loss function into one that takes weight, reduction and average
    /// factor, as mmpretrain's <c>weighted_loss</c> decorator does.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor?, Reduction, double?, Tensor> Wrap(Func<Tensor, Tensor, Tensor> elementwiseLoss)
    {
        ArgumentNullException.ThrowIfNull(elementwiseLoss);
        return (pred, target, weight, reduction, avgFactor) => Reduce(elementwiseLoss(pred, target), weight, reduction, avgFactor);
    }
}
