using ImageClassifier;
using static TorchSharp.torch;

namespace MissingDependencyPlugin.Library;

/// <summary>A loss defined by an element-wise function, weighted and reduced as mmpretrain does.</summary>
public abstract class ElementwiseLoss : Loss
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected ElementwiseLoss(string name)
        : base(name)
    {
    }

    /// <inheritdoc />
    public sealed override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        using var scope = NewDisposeScope();
        return WeightedLoss.Reduce(Elementwise(pred, target), weight, reductionOverride ?? Reduction.Mean, avgFactor).MoveToOuterDisposeScope();
    }

    /// <summary>The loss of each element.</summary>
    protected abstract Tensor Elementwise(Tensor pred, Tensor target);
}
