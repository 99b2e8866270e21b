using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;

namespace Binding.TestComponents.Losses;

/// <summary>Cross-entropy on class indices, weighted and reduced as mmpretrain's weighted losses are.</summary>
[RegisterModel(Aliases = ["ToyCrossEntropy"])]
public sealed class ToyLoss : Loss
{
    private readonly Reduction reduction;
    private readonly double lossWeight;

    /// <param name="reduction">"none", "mean" or "sum".</param>
    /// <param name="lossWeight">Factor the loss is multiplied by.</param>
    /// <param name="smoothing">How the targets are softened.</param>
    /// <param name="classWeight">A weight per class; equal weights when null.</param>
    public ToyLoss(
        Reduction reduction = Reduction.Mean,
        [ValueRange(Minimum = 0)] double lossWeight = 1.0,
        SmoothingMode smoothing = SmoothingMode.None,
        [ValueRange(Minimum = 0)] double[]? classWeight = null)
        : base(nameof(ToyLoss))
    {
        this.reduction = reduction;
        this.lossWeight = lossWeight;
        Smoothing = smoothing;
        ClassWeight = classWeight;
    }

    /// <summary>How the targets are softened.</summary>
    public SmoothingMode Smoothing { get; }

    /// <summary>A weight per class, if any.</summary>
    public IReadOnlyList<double>? ClassWeight { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        var elementwise = nn.functional.cross_entropy(pred, target, reduction: nn.Reduction.None);
        return WeightedLoss.Reduce(elementwise, weight, reductionOverride ?? reduction, avgFactor) * lossWeight;
    }
}
