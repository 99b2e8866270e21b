using ImageClassifier;
using MissingDependencyPlugin.Library;
using static TorchSharp.torch;

namespace MissingDependencyPlugin.Losses;

/// <summary>The smooth L1 loss: quadratic below <c>beta</c>, linear above.</summary>
[RegisterModel]
public sealed class SmoothL1Loss : ElementwiseLoss
{
    /// <param name="beta">Where the loss turns from quadratic to linear; positive.</param>
    public SmoothL1Loss(double beta = 1.0)
        : base(nameof(SmoothL1Loss))
    {
        Beta = beta > 0 ? beta : throw new ConfigValueException("beta", beta, "positive");
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    protected override Tensor Elementwise(Tensor pred, Tensor target)
    {
        var difference = (pred - target).abs();
        return where(difference < Beta, difference * difference * (0.5 / Beta), difference - 0.5 * Beta);
    }
}
