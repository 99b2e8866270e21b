using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Samplers;

namespace ImageClassifier.Engine.Configuration;

/// <summary>A <c>*_dataloader</c> section: batch size, dataset and sampler configs, and the loader's options.</summary>
public sealed record DataLoaderSettings
{
    /// <summary><c>batch_size</c>: samples per batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary><c>dataset</c>: the dataset's config.</summary>
    public required ComponentConfig<Dataset> Dataset { get; init; }

    /// <summary><c>sampler</c>: the sampler's config; a DefaultSampler (shuffled for training) when null.</summary>
    public ComponentConfig<Sampler>? Sampler { get; init; }

    /// <summary><c>drop_last</c>: leave out a smaller last batch.</summary>
    public bool DropLast { get; init; }

    /// <summary><c>prefetch_factor</c>: batches prepared ahead, per worker.</summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary><c>num_workers</c>: mmengine's worker processes, here threads that prepare batches (<see cref="Data.Loading.DataLoader.Workers"/>); 0 still gives one, as the caller's thread runs the model.</summary>
    public int NumWorkers { get; init; }
}
