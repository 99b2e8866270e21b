using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Samplers;

namespace ImageClassifier.Hosting.Engine.Configuration;

/// <summary>A <c>*_dataloader</c> section: batch size, dataset and sampler configs, and the loader's options.</summary>
/// <param name="Path">The section's JSON path, <c>$.train_dataloader</c>.</param>
/// <param name="BatchSize">Samples per batch.</param>
/// <param name="DropLast">Leave out a smaller last batch.</param>
/// <param name="PrefetchBatches">Batches prepared ahead (mmengine's prefetch_factor).</param>
/// <param name="NumWorkers">mmengine's worker processes; one background thread prepares batches whatever this says.</param>
/// <param name="Dataset">The dataset's config.</param>
/// <param name="Sampler">The sampler's config; a DefaultSampler (shuffled for training) when null.</param>
public sealed record DataLoaderSettings(
    string Path,
    int BatchSize,
    bool DropLast,
    int PrefetchBatches,
    int NumWorkers,
    ComponentConfig<Dataset> Dataset,
    ComponentConfig<Sampler>? Sampler);
