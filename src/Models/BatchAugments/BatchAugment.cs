using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.BatchAugments;

/// <summary>
/// A batch augmentation, mmpretrain's <c>BATCH_AUGMENTS</c> (Mixup, CutMix): mixes the images of a
/// training batch with each other and mixes their class scores in the same proportion. The data
/// preprocessor runs it on training batches only, after normalisation, as mmpretrain's
/// <c>ClsDataPreprocessor</c> does (configs: <c>model.train_cfg.augments</c> or
/// <c>data_preprocessor.batch_augments.augments</c>).
/// </summary>
/// <remarks>
/// Every random draw comes from torch's default generator, which the runner seeds and saves in
/// checkpoints: a resumed run mixes its batches exactly as the uninterrupted one would.
/// </remarks>
[ComponentKind("batch_augment")]
public abstract class BatchAugment
{
    /// <summary>
    /// The mixed images (N, C, H, W) and scores (N, num_classes, float32) of a batch. The inputs
    /// are not changed; the scores are one-hot or already soft.
    /// </summary>
    public abstract (Tensor Inputs, Tensor Scores) Mix(Tensor inputs, Tensor scores);

    /// <summary>
    /// <see cref="Mix"/> on a batch whose targets may still be class indices (N): those become
    /// one-hot scores over <paramref name="numClasses"/> classes first.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty, or inputs and targets disagree on its size or form.</exception>
    public (Tensor Inputs, Tensor Scores) Apply(Tensor inputs, Tensor targets, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        if (inputs.dim() != 4 || inputs.shape[0] == 0)
        {
            throw new ArgumentException($"{GetType().Name} mixes a non-empty batch of images (N, C, H, W), but got shape ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        }

        if (targets.shape[0] != inputs.shape[0])
        {
            throw new ArgumentException($"{GetType().Name} got {inputs.shape[0]} images but {targets.shape[0]} targets.", nameof(targets));
        }

        using var scope = torch.NewDisposeScope();
        var scores = targets.dim() == 1 && !targets.is_floating_point()
            ? nn.functional.one_hot(targets.to_type(ScalarType.Int64), numClasses)
            : targets;
        if (scores.dim() != 2 || scores.shape[1] != numClasses)
        {
            throw new ArgumentException($"{GetType().Name} needs class indices (N) or scores (N, {numClasses}), but the targets have shape ({string.Join(", ", targets.shape)}).", nameof(targets));
        }

        var (mixedInputs, mixedScores) = Mix(inputs, scores.to_type(ScalarType.Float32));
        return (mixedInputs.MoveToOuterDisposeScope(), mixedScores.MoveToOuterDisposeScope());
    }

    /// <summary>A mixing ratio drawn from Beta(<paramref name="alpha"/>, <paramref name="alpha"/>).</summary>
    protected static double SampleBeta(double alpha)
    {
        // The distribution keeps tensors of its own: the scope frees them with the sample.
        using var scope = torch.NewDisposeScope();
        var concentration = torch.tensor(alpha, ScalarType.Float64);
        return torch.distributions.Beta(concentration, concentration).sample().item<double>();
    }

    /// <summary>A uniformly random integer in [<paramref name="low"/>, <paramref name="high"/>), numpy's <c>randint</c>.</summary>
    protected static long RandomInteger(long low, long high)
    {
        using var draw = torch.randint(low, high, [1], ScalarType.Int64);
        return draw.item<long>();
    }

    /// <summary>A random order of the batch's <paramref name="count"/> samples, on <paramref name="device"/>.</summary>
    protected static Tensor RandomPermutation(long count, Device device)
    {
        // Drawn on the CPU, as mmpretrain's torch.randperm(batch_size): the default generator is the CPU one.
        using var order = torch.randperm(count, ScalarType.Int64);
        return order.to(device);
    }

    /// <summary><paramref name="lambda"/> * <paramref name="own"/> + (1 - <paramref name="lambda"/>) * <paramref name="other"/>, in mmpretrain's order of operations.</summary>
    protected static Tensor Blend(Tensor own, Tensor other, double lambda)
    {
        using var ownWeight = lambda.ToScalar();
        using var otherWeight = (1 - lambda).ToScalar();
        using var scaled = other.mul(otherWeight);
        return own.mul(ownWeight).add_(scaled, ScalarConstants.One);
    }
}
