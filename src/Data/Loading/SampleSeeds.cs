namespace ImageClassifier.Data.Loading;

/// <summary>
/// The seed of one sample's random transforms, a fixed function of the run's seed, the epoch
/// and the sample index (chained SplitMix64 finalisers), so that augmentations are the same
/// whatever thread prepares the sample and whether or not the run was resumed.
/// </summary>
public static class SampleSeeds
{
    /// <summary>The seed for sample <paramref name="index"/> in epoch <paramref name="epoch"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static int For(int seed, int epoch, int index)
    {
        var state = Mix((ulong)(uint)seed);
        state = Mix(state ^ (uint)epoch);
        state = Mix(state ^ (uint)index);
        return (int)(state & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong value)
    {
        unchecked
        {
            value += 0x9E3779B97F4A7C15UL;
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
            return value ^ (value >> 31);
        }
    }
}
