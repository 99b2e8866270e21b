using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.BatchAugments;

/// <summary>
/// mmpretrain's <c>CutMix</c> (Yun et al., "CutMix: Regularization Strategy to Train Strong
/// Classifiers with Localizable Features"): one rectangle per batch is cut out of every image and
/// filled with the same rectangle of the image a random permutation pairs it with; the scores mix
/// in proportion to the area each image keeps.
/// </summary>
/// <remarks>
/// Without <c>cutmix_minmax</c> the rectangle covers about 1 - λ of the image, λ ~ Beta(alpha, alpha),
/// centred at a uniformly random pixel and clipped by the borders; with it, its height and width
/// are uniform fractions of the image's in [min, max) and alpha is unused. With <c>correct_lam</c>
/// (always with <c>cutmix_minmax</c>) the score ratio is the area actually kept.
/// </remarks>
[RegisterModel]
public sealed class CutMix : BatchAugment
{
    private readonly double[]? minMax;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="alpha">Both parameters of the Beta distribution the mixing ratio is drawn from; greater than 0.</param>
    /// <param name="cutmixMinmax">The smallest and largest side of the rectangle as fractions of the image's; null to size it by the mixing ratio.</param>
    /// <param name="correctLam">Mix the scores by the area the clipped rectangle really covers.</param>
    public CutMix(
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double alpha,
        [ValueRange(0, 1)] double[]? cutmixMinmax = null,
        bool correctLam = true)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ConfigValueException("alpha", alpha, "a finite number greater than 0");
        }

        if (cutmixMinmax is not null && (cutmixMinmax.Length != 2 || !(cutmixMinmax[0] >= 0 && cutmixMinmax[0] < cutmixMinmax[1] && cutmixMinmax[1] <= 1)))
        {
            throw new ConfigValueException("cutmix_minmax", cutmixMinmax, "a pair [min, max] with 0 <= min < max <= 1");
        }

        Alpha = alpha;
        minMax = cutmixMinmax is null ? null : [.. cutmixMinmax];
        CorrectLam = correctLam;
    }

    /// <summary>The Beta distribution's parameter.</summary>
    public double Alpha { get; }

    /// <summary>The rectangle's side range as fractions of the image's, or null.</summary>
    public IReadOnlyList<double>? CutmixMinmax => minMax;

    /// <summary>Whether the score ratio is the area the rectangle really covers.</summary>
    public bool CorrectLam { get; }

    /// <inheritdoc />
    public override (Tensor Inputs, Tensor Scores) Mix(Tensor inputs, Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(scores);

        // mmpretrain's order of draws: the ratio, the permutation, then the rectangle.
        var lambda = SampleBeta(Alpha);
        using var scope = torch.NewDisposeScope();
        var order = RandomPermutation(inputs.shape[0], inputs.device);
        var (box, keptRatio) = BoxAndRatio(inputs.shape[2], inputs.shape[3], lambda);
        var mixedInputs = inputs.clone();
        if (box.Height > 0 && box.Width > 0)
        {
            var pasted = inputs.index_select(0, order).narrow(2, box.Top, box.Height).narrow(3, box.Left, box.Width);
            mixedInputs.narrow(2, box.Top, box.Height).narrow(3, box.Left, box.Width).copy_(pasted);
        }

        var mixedScores = Blend(scores, scores.index_select(0, order.to(scores.device)), keptRatio);
        return (mixedInputs.MoveToOuterDisposeScope(), mixedScores.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The rectangle for an image of <paramref name="height"/> x <paramref name="width"/> and the
    /// score ratio of the kept part, drawing its position (and size with cutmix_minmax) from
    /// torch's default generator: mmpretrain's <c>cutmix_bbox_and_lam</c>.
    /// </summary>
    /// <exception cref="ArgumentException">cutmix_minmax leaves no size to draw from for an image this small.</exception>
    public (CutMixBox Box, double Ratio) BoxAndRatio(long height, long width, double lambda)
    {
        CutMixBox box;
        if (minMax is null)
        {
            var side = Math.Sqrt(1 - lambda);
            var cutHeight = (long)(height * side);
            var cutWidth = (long)(width * side);
            var centreY = RandomInteger(0, height);
            var centreX = RandomInteger(0, width);
            box = CutMixBox.FromEdges(
                Math.Clamp(centreY - (cutHeight / 2), 0, height),
                Math.Clamp(centreY + (cutHeight / 2), 0, height),
                Math.Clamp(centreX - (cutWidth / 2), 0, width),
                Math.Clamp(centreX + (cutWidth / 2), 0, width));
        }
        else
        {
            var cutHeight = DrawSide(height, minMax);
            var cutWidth = DrawSide(width, minMax);
            var top = RandomInteger(0, height - cutHeight);
            var left = RandomInteger(0, width - cutWidth);
            box = new CutMixBox(top, left, cutHeight, cutWidth);
        }

        var ratio = CorrectLam || minMax is not null
            ? 1.0 - ((double)box.Height * box.Width / (height * width))
            : lambda;
        return (box, ratio);
    }

    private static long DrawSide(long size, double[] range)
    {
        var low = (long)(size * range[0]);
        var high = (long)(size * range[1]);
        if (high <= low)
        {
            throw new ArgumentException($"cutmix_minmax [{range[0]}, {range[1]}] leaves no rectangle side to draw for an image side of {size} pixels: int({size} * min) must be below int({size} * max).");
        }

        return RandomInteger(low, high);
    }
}
