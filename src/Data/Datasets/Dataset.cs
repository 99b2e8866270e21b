using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// A labelled image dataset (mmpretrain's datasets): <see cref="Count"/> samples, the class names
/// (<see cref="Classes"/>, mmpretrain's <c>dataset_meta["classes"]</c>), and <see cref="Get(int, Random)"/>,
/// which loads a sample and runs it through the dataset's <c>pipeline</c> of transforms.
/// </summary>
/// <remarks>Files are read and checked when the dataset is built; a dataset may be read from one thread at a time.</remarks>
[ComponentKind("dataset")]
public abstract class Dataset
{
    private readonly Transform[] pipeline;

    /// <summary>Creates the dataset with its transforms.</summary>
    protected Dataset(Transform[]? pipeline)
    {
        this.pipeline = pipeline is null ? [] : [.. pipeline];
        if (Array.IndexOf(this.pipeline, null) is var missing and >= 0)
        {
            throw new ConfigValueException($"pipeline[{missing}]", null, "a transform config");
        }
    }

    /// <summary>The number of samples.</summary>
    public abstract int Count { get; }

    /// <summary>The class names, indexed by label.</summary>
    public abstract IReadOnlyList<string> Classes { get; }

    /// <summary>The transforms each sample goes through, in order.</summary>
    public IReadOnlyList<Transform> Pipeline => pipeline;

    /// <summary>What went wrong but was let pass while reading (an unreadable image that was skipped); empty by default.</summary>
    public virtual IReadOnlyList<string> Warnings => [];

    /// <summary>Sample <paramref name="index"/> after the pipeline, with randomness seeded by the index alone.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0 to <see cref="Count"/> - 1.</exception>
    public DataSample Get(int index) => Get(index, new Random(index));

    /// <summary>Sample <paramref name="index"/> after the pipeline, its random transforms drawing from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0 to <see cref="Count"/> - 1.</exception>
    public DataSample Get(int index, Random random) => Get(index, random, pipeline);

    /// <summary>
    /// Sample <paramref name="index"/> after <paramref name="transforms"/> instead of the dataset's
    /// pipeline (one view of test-time augmentation), its random transforms drawing from <paramref name="random"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0 to <see cref="Count"/> - 1.</exception>
    public DataSample Get(int index, Random random, IReadOnlyList<Transform> transforms)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(transforms);
        if (index < 0 || index >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} samples.");
        }

        var sample = Load(index);
        foreach (var transform in transforms)
        {
            sample = transform.Apply(sample, random);
        }

        return sample;
    }

    /// <summary>Sample <paramref name="index"/> as stored, before the pipeline; the index is already checked.</summary>
    protected abstract DataSample Load(int index);
}
