using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.BatchAugments;

/// <summary>
/// mmpretrain's <c>RandomBatchAugment</c>, what <c>model.train_cfg</c> and
/// <c>data_preprocessor.batch_augments</c> configure (<c>{"augments": [...], "probs": [...]}</c>,
/// "type" left out): each training batch goes through one of <c>augments</c>, picked at random with
/// probabilities <c>probs</c>; what the probabilities leave below 1 is the chance the batch stays
/// as it is. Without <c>probs</c> every augmentation is equally likely.
/// </summary>
[RegisterModel]
public sealed class RandomBatchAugment : BatchAugment
{
    // Probabilities may be written as decimals that add up to a hair over 1 (0.1 + 0.2 + 0.7).
    private const double SumTolerance = 1e-9;

    private readonly BatchAugment[] augments;
    private readonly double[]? probs;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="augments">The batch augmentations to pick from.</param>
    /// <param name="probs">The probability of each, adding up to at most 1; null to pick evenly.</param>
    public RandomBatchAugment(BatchAugment[] augments, [ValueRange(0, 1)] double[]? probs = null)
    {
        ArgumentNullException.ThrowIfNull(augments);
        if (augments.Length == 0)
        {
            throw new ConfigValueException("augments", augments, "at least one batch augmentation");
        }

        if (probs is not null)
        {
            if (probs.Length != augments.Length)
            {
                throw new ConfigValueException("probs", probs, $"one probability per augmentation ({augments.Length} values)");
            }

            var outside = Array.FindIndex(probs, value => !(value >= 0 && value <= 1));
            if (outside >= 0)
            {
                throw new ConfigValueException($"probs[{outside}]", probs[outside], "between 0 and 1");
            }

            if (probs.Sum() > 1 + SumTolerance)
            {
                throw new ConfigValueException("probs", probs, "probabilities that add up to at most 1");
            }
        }

        this.augments = [.. augments];
        this.probs = probs is null ? null : [.. probs];
    }

    /// <summary>The augmentations picked from.</summary>
    public IReadOnlyList<BatchAugment> Augments => augments;

    /// <summary>Their probabilities, or null when they are equally likely.</summary>
    public IReadOnlyList<double>? Probs => probs;

    /// <inheritdoc />
    public override (Tensor Inputs, Tensor Scores) Mix(Tensor inputs, Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(scores);
        var picked = Pick();
        return picked is null ? (inputs.alias(), scores.alias()) : picked.Mix(inputs, scores);
    }

    /// <summary>The augmentation for the next batch, or null to leave it as it is; one draw from torch's default generator.</summary>
    public BatchAugment? Pick()
    {
        if (probs is null)
        {
            return augments[RandomInteger(0, augments.Length)];
        }

        using var draw = torch.rand([1], ScalarType.Float64);
        var uniform = draw.item<double>();
        var cumulative = 0.0;
        for (var i = 0; i < augments.Length; i++)
        {
            cumulative += probs[i];
            if (uniform < cumulative)
            {
                return augments[i];
            }
        }

        return null;
    }
}
