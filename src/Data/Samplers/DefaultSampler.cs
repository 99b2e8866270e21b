namespace ImageClassifier.Data.Samplers;

/// <summary>
/// mmengine's <c>DefaultSampler</c>: every sample once per epoch, in order, or shuffled by a
/// permutation seeded with <c>seed + epoch</c>, so that every epoch differs and a resumed run
/// sees the same order as an uninterrupted one.
/// </summary>
[RegisterModel]
public sealed class DefaultSampler : Sampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="shuffle">Visit the samples in a new random order each epoch.</param>
    /// <param name="seed">The shuffling seed; the run's randomness.seed when null.</param>
    /// <param name="roundUp">mmengine pads the last distributed shard; accepted for configs and without effect in one process.</param>
    public DefaultSampler(bool shuffle = true, int? seed = null, bool roundUp = true)
    {
        Shuffle = shuffle;
        Seed = seed;
        RoundUp = roundUp;
    }

    /// <summary>Whether the order is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed, or null to take the run's.</summary>
    public int? Seed { get; }

    /// <summary>mmengine's round_up; no effect here.</summary>
    public bool RoundUp { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Indices(int count, int epoch, int defaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var indices = Enumerable.Range(0, count).ToArray();
        if (Shuffle)
        {
            var random = new Random(unchecked((Seed ?? defaultSeed) + epoch));
            random.Shuffle(indices);
        }

        return indices;
    }
}
