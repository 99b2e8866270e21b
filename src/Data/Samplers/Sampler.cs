namespace ImageClassifier.Data.Samplers;

/// <summary>The order in which a data loader visits a dataset's samples, epoch by epoch (mmengine's samplers).</summary>
[ComponentKind("sampler")]
public abstract class Sampler
{
    /// <summary>The sample indices of epoch <paramref name="epoch"/> (from 0) of a dataset of <paramref name="count"/> samples.</summary>
    /// <param name="count">The dataset's size.</param>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <param name="defaultSeed">The seed to use when the sampler was given none (the run's <c>randomness.seed</c>).</param>
    public abstract IReadOnlyList<int> Indices(int count, int epoch, int defaultSeed);
}
