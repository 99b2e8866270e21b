using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>
/// A loss a head computes: prediction and target in, a loss tensor out, with mmpretrain's
/// optional element-wise <c>weight</c>, <c>avgFactor</c> and <c>reductionOverride</c>.
/// </summary>
[ComponentKind("loss")]
public abstract class Loss : nn.Module
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected Loss(string name)
        : base(name)
    {
        // Before the first model: malloc tuning and the convolution check (docs/reliability.md).
        Runtime.TorchRuntime.EnsureInitialized();
    }

    /// <summary>
    /// The loss of <paramref name="pred"/> against <paramref name="target"/>. With
    /// <paramref name="avgFactor"/>, "mean" divides the weighted sum by it instead of by the element
    /// count; <paramref name="reductionOverride"/> replaces the configured reduction for this call.
    /// </summary>
    public abstract Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null);
}
