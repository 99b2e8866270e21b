using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Losses;

/// <summary>
/// Label-smoothed cross-entropy (Szegedy et al., "Rethinking the Inception Architecture for
/// Computer Vision"): the target, class indices (N) or (N, 1), or one-hot-like scores (N, C) such
/// as mixup's, becomes a smoothed distribution over the C classes of the scores (N, C), which then
/// goes through the soft cross-entropy (or, with use_sigmoid, the binary one).
/// </summary>
[RegisterModel]
public sealed class LabelSmoothLoss : Loss
{
    private readonly CrossEntropyLoss ce;
    private readonly int? numClasses;
    private readonly LabelSmoothMode mode;
    private readonly double lossWeight;
    private readonly double epsilon;

    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothVal">The smoothing strength, in [0, 1).</param>
    /// <param name="numClasses">How many classes; when null, the width of the scores.</param>
    /// <param name="useSigmoid">Binary cross-entropy per class instead of the soft softmax cross-entropy; when null, true exactly in "multi_label" mode.</param>
    /// <param name="mode">"original", "classy_vision" or "multi_label" (see <see cref="LabelSmoothMode"/>).</param>
    /// <param name="reduction">How the loss is reduced: "none", "mean" or "sum".</param>
    /// <param name="lossWeight">The factor the loss is multiplied by.</param>
    /// <param name="classWeight">A weight per class (C), passed to the inner cross-entropy.</param>
    /// <param name="posWeight">A weight per class (C) for positive targets; used only with use_sigmoid.</param>
    public LabelSmoothLoss(
        [ValueRange(0, 1, MaximumExclusive = true)] double labelSmoothVal,
        [ValueRange(Minimum = 1)] int? numClasses = null,
        bool? useSigmoid = null,
        LabelSmoothMode mode = LabelSmoothMode.Original,
        Reduction reduction = Reduction.Mean,
        double lossWeight = 1.0,
        double[]? classWeight = null,
        double[]? posWeight = null)
        : base(nameof(LabelSmoothLoss))
    {
        if (!(labelSmoothVal >= 0 && labelSmoothVal < 1))
        {
            throw new ConfigValueException("label_smooth_val", labelSmoothVal, ">= 0 and < 1");
        }

        if (numClasses is < 1)
        {
            throw new ConfigValueException("num_classes", numClasses, ">= 1");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ConfigValueException("mode", mode, "one of \"original\", \"classy_vision\", \"multi_label\"");
        }

        this.numClasses = numClasses;
        this.mode = mode;
        this.lossWeight = lossWeight;

        // classy_vision's (one_hot + v / K) / (1 + v) is the original formula with eps = v / (1 + v).
        epsilon = mode == LabelSmoothMode.ClassyVision ? labelSmoothVal / (1 + labelSmoothVal) : labelSmoothVal;
        var sigmoid = useSigmoid ?? mode == LabelSmoothMode.MultiLabel;
        ce = new CrossEntropyLoss(useSigmoid: sigmoid, useSoft: !sigmoid, reduction: reduction, classWeight: classWeight, posWeight: posWeight);
        RegisterComponents();
    }

    /// <summary>
    /// The smoothed loss of scores <paramref name="pred"/> (N, C). <paramref name="target"/> is
    /// class indices (N) or (N, 1), or scores (N, C); <paramref name="weight"/> is per sample (N).
    /// </summary>
    /// <exception cref="ArgumentException">num_classes differs from C, an index is out of range, or the shapes do not fit.</exception>
    public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(target);
        if (pred.dim() != 2)
        {
            throw new ArgumentException($"LabelSmoothLoss needs class scores (N, C), but got shape ({string.Join(", ", pred.shape)}).", nameof(pred));
        }

        var classes = pred.shape[1];
        if (numClasses is { } expected && expected != classes)
        {
            throw new ArgumentException($"num_classes ({expected}) must equal the number of class scores, pred.shape[1] ({classes}).", nameof(pred));
        }

        using var scope = torch.NewDisposeScope();
        var oneHotLike = OneHotLike(target, classes);
        if (!oneHotLike.shape.SequenceEqual(pred.shape))
        {
            throw new ArgumentException($"LabelSmoothLoss needs a target shaped like the scores ({string.Join(", ", pred.shape)}), but got ({string.Join(", ", target.shape)}).", nameof(target));
        }

        using var epsilonScalar = epsilon.ToScalar();
        using var keptScalar = (1 - epsilon).ToScalar();
        using var spreadScalar = (epsilon / classes).ToScalar();
        using var weightScalar = lossWeight.ToScalar();
        var smoothed = mode == LabelSmoothMode.MultiLabel
            ? torch.full_like(oneHotLike, epsilonScalar).masked_fill(oneHotLike.gt(ScalarConstants.Zero), keptScalar)
            : oneHotLike.mul(keptScalar).add(spreadScalar, ScalarConstants.One);
        var loss = ce.Forward(pred, smoothed, weight, avgFactor, reductionOverride);
        return loss.mul(weightScalar).MoveToOuterDisposeScope();
    }

    /// <summary>Class indices become one-hot rows; scores are kept. Both as float32, as mmpretrain's <c>.float()</c>.</summary>
    private static Tensor OneHotLike(Tensor target, long classes)
    {
        var isIndices = target.dim() == 1 || (target.dim() == 2 && target.shape[1] == 1);
        if (!isIndices)
        {
            return target.to_type(ScalarType.Float32);
        }

        var indices = target.reshape(-1).to_type(ScalarType.Int64);
        if (indices.numel() > 0)
        {
            var largest = indices.max().item<long>();
            var smallest = indices.min().item<long>();
            if (largest >= classes || smallest < 0)
            {
                throw new ArgumentException($"Class indices must lie in [0, {classes}), but the target holds {(largest >= classes ? largest : smallest)}.", nameof(target));
            }
        }

        return nn.functional.one_hot(indices, classes).to_type(ScalarType.Float32);
    }
}
