using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.BatchAugments;

/// <summary>
/// mmpretrain's <c>Mixup</c> (Zhang et al., "mixup: Beyond Empirical Risk Minimization"): one ratio
/// λ ~ Beta(alpha, alpha) per batch, and every image and score becomes λ times itself plus 1 - λ
/// times those of the sample a random permutation of the batch pairs it with.
/// </summary>
[RegisterModel]
public sealed class Mixup : BatchAugment
{
    /// <summary>Creates the augmentation.</summary>
    /// <param name="alpha">Both parameters of the Beta distribution the mixing ratio is drawn from; greater than 0.</param>
    public Mixup([ValueRange(Minimum = 0, MinimumExclusive = true)] double alpha)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ConfigValueException("alpha", alpha, "a finite number greater than 0");
        }

        Alpha = alpha;
    }

    /// <summary>The Beta distribution's parameter.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public override (Tensor Inputs, Tensor Scores) Mix(Tensor inputs, Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(scores);
        var lambda = SampleBeta(Alpha);
        using var scope = torch.NewDisposeScope();
        var order = RandomPermutation(inputs.shape[0], inputs.device);
        var mixedInputs = Blend(inputs, inputs.index_select(0, order), lambda);
        var mixedScores = Blend(scores, scores.index_select(0, order.to(scores.device)), lambda);
        return (mixedInputs.MoveToOuterDisposeScope(), mixedScores.MoveToOuterDisposeScope());
    }
}
