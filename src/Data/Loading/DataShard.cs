namespace ImageClassifier.Data.Loading;

/// <summary>
/// The part of each epoch one process of a data-parallel run reads, as mmengine's DefaultSampler
/// splits it: the epoch's order, padded by repeating its start to a multiple of
/// <see cref="WorldSize"/>, then every <see cref="WorldSize"/>-th sample from <see cref="Rank"/>.
/// Every process sees the same number of samples, and together they see every sample.
/// </summary>
/// <param name="Rank">This process, from 0.</param>
/// <param name="WorldSize">The processes in the run.</param>
public sealed record DataShard(int Rank, int WorldSize)
{
    /// <summary>A single-process run: the whole epoch.</summary>
    public static DataShard Whole { get; } = new(0, 1);

    /// <summary>The samples of a dataset of <paramref name="count"/> this shard reads per epoch.</summary>
    public int SizeOf(int count) => (count + WorldSize - 1) / WorldSize;

    /// <summary>This shard's part of an epoch's <paramref name="order"/>.</summary>
    public IReadOnlyList<int> Select(IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (WorldSize < 1 || Rank < 0 || Rank >= WorldSize)
        {
            throw new InvalidOperationException($"Rank {Rank} of world size {WorldSize} is not a shard: the rank must be from 0 to world size - 1.");
        }

        if (WorldSize == 1 || order.Count == 0)
        {
            return order;
        }

        var size = SizeOf(order.Count);
        var shard = new int[size];
        for (var i = 0; i < size; i++)
        {
            shard[i] = order[((i * WorldSize) + Rank) % order.Count];
        }

        return shard;
    }
}
