using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Losses;

/// <summary>
/// Cross-entropy on class scores (N, C), in one of three forms: softmax cross-entropy against
/// class indices (N), the soft form against per-class probabilities (N, C) such as mixup's, or
/// binary cross-entropy with logits against multi-hot or soft targets (N, C). The per-sample
/// loss is weighted and reduced as mmpretrain's weighted losses are.
/// </summary>
[RegisterModel]
public sealed class CrossEntropyLoss : Loss
{
    private readonly bool useSigmoid;
    private readonly bool useSoft;
    private readonly Reduction reduction;
    private readonly double lossWeight;

    // Plain arrays, not tensors: a tensor field would become a buffer and a state-dict key that
    // mmpretrain checkpoints do not have. They become tensors on the scores' device per call.
    private readonly double[]? classWeight;
    private readonly double[]? posWeight;

    /// <summary>Creates the loss.</summary>
    /// <param name="useSigmoid">Binary cross-entropy with logits per class (multi-label) instead of softmax.</param>
    /// <param name="useSoft">Softmax cross-entropy against per-class target probabilities (N, C) instead of class indices.</param>
    /// <param name="reduction">How the per-sample loss is reduced: "none", "mean" or "sum".</param>
    /// <param name="lossWeight">The factor the loss is multiplied by.</param>
    /// <param name="classWeight">A weight per class (C); the softmax forms scale each sample's loss by it.</param>
    /// <param name="posWeight">A weight per class (C) for positive targets; used only with use_sigmoid.</param>
    public CrossEntropyLoss(
        bool useSigmoid = false,
        bool useSoft = false,
        Reduction reduction = Reduction.Mean,
        double lossWeight = 1.0,
        double[]? classWeight = null,
        double[]? posWeight = null)
        : base(nameof(CrossEntropyLoss))
    {
        if (useSigmoid && useSoft)
        {
            throw new ConfigValueException("use_soft", true, "false when use_sigmoid is true (binary and soft cross-entropy exclude each other)");
        }

        if (!Enum.IsDefined(reduction))
        {
            throw new ConfigValueException("reduction", reduction, "one of \"none\", \"mean\", \"sum\"");
        }

        this.useSigmoid = useSigmoid;
        this.useSoft = useSoft;
        this.reduction = reduction;
        this.lossWeight = lossWeight;
        this.classWeight = classWeight is null ? null : [.. classWeight];
        this.posWeight = posWeight is null ? null : [.. posWeight];
    }

    /// <summary>
    /// The loss of class scores <paramref name="pred"/> (N, C) against <paramref name="target"/>:
    /// class indices (N) for the plain form, (N, C) scores for the soft and binary forms.
    /// <paramref name="weight"/> is per sample (N). The result is a scalar, or the per-sample
    /// loss (N) (per element (N, C) with use_sigmoid) when the reduction is "none".
    /// </summary>
    /// <exception cref="ArgumentException">avgFactor with reduction "sum", or shapes that do not fit.</exception>
    public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(target);
        if (reductionOverride is { } requested && !Enum.IsDefined(requested))
        {
            throw new ArgumentOutOfRangeException(nameof(reductionOverride), requested, "reductionOverride must be null, none, mean or sum.");
        }

        var effective = reductionOverride ?? reduction;
        using var scope = torch.NewDisposeScope();
        var classWeights = classWeight is null ? null : PerClass(classWeight, pred, "class_weight");
        var elementwise = useSigmoid ? Binary(pred, target, classWeights)
            : useSoft ? Soft(pred, target, classWeights)
            : Hard(pred, target, classWeights);
        var sampleWeight = weight is null ? null : SampleWeight(weight, elementwise.dtype, pred.dim());
        var loss = WeightedLoss.Reduce(elementwise, sampleWeight, effective, avgFactor);
        using var weightScalar = lossWeight.ToScalar();
        return loss.mul(weightScalar).MoveToOuterDisposeScope();
    }

    /// <summary>-log softmax(pred)[y] per sample, scaled by class_weight[y]: torch's cross_entropy without reduction.</summary>
    private static Tensor Hard(Tensor pred, Tensor target, Tensor? classWeights)
    {
        // Class indices of any integer type; torch wants int64 (mmpretrain's labels already are).
        var labels = target.dtype is ScalarType.Int8 or ScalarType.Byte or ScalarType.Int16 or ScalarType.Int32
            ? target.to_type(ScalarType.Int64)
            : target;
        return nn.functional.cross_entropy(pred, labels, weight: classWeights, reduction: nn.Reduction.None);
    }

    /// <summary>-sum_c target_c * log softmax(pred)_c (* class_weight_c) per sample.</summary>
    private static Tensor Soft(Tensor pred, Tensor target, Tensor? classWeights)
    {
        if (!pred.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException($"The soft cross-entropy needs a target shaped like the scores {Shape(pred)}, but got {Shape(target)}.", nameof(target));
        }

        var perClass = -target * nn.functional.log_softmax(pred, dim: -1);
        if (classWeights is not null)
        {
            perClass = perClass * classWeights;
        }

        return perClass.sum(-1);
    }

    /// <summary>Binary cross-entropy with logits per element, class_weight repeated over the batch, pos_weight per class.</summary>
    private Tensor Binary(Tensor pred, Tensor target, Tensor? classWeights)
    {
        if (pred.dim() != target.dim())
        {
            throw new ArgumentException($"The binary cross-entropy needs a target with as many dimensions as the scores {Shape(pred)}, but got {Shape(target)}.", nameof(target));
        }

        var repeated = classWeights?.repeat(pred.shape[0], 1);
        var positive = posWeight is null ? null : PerClass(posWeight, pred, "pos_weight");
        var probabilities = target.is_floating_point() ? target : target.to_type(pred.dtype);
        return nn.functional.binary_cross_entropy_with_logits(pred, probabilities, weight: repeated, reduction: nn.Reduction.None, pos_weights: positive);
    }

    /// <summary>
    /// The per-sample weight in the loss's dtype; the binary form needs it one-dimensional and
    /// turns it into a column, so that it scales every class of its sample.
    /// </summary>
    private Tensor SampleWeight(Tensor weight, ScalarType dtype, long predDims)
    {
        var cast = weight.to_type(dtype);
        if (!useSigmoid)
        {
            return cast;
        }

        if (weight.dim() != 1)
        {
            throw new ArgumentException($"weight must hold one value per sample (N) with use_sigmoid, but has shape {Shape(weight)}.", nameof(weight));
        }

        return predDims > 1 ? cast.reshape(-1, 1) : cast;
    }

    private static Tensor PerClass(double[] values, Tensor pred, string member)
    {
        if (pred.dim() < 2 || values.Length != pred.shape[1])
        {
            throw new ArgumentException($"{member} has {values.Length} values, but the scores {Shape(pred)} have {(pred.dim() < 2 ? "no class dimension" : $"{pred.shape[1]} classes")}.", nameof(pred));
        }

        return torch.tensor(values, dtype: pred.dtype, device: pred.device);
    }

    private static string Shape(Tensor tensor) => "(" + string.Join(", ", tensor.shape) + ")";
}
