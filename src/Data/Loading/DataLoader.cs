using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Data.Loading;

/// <summary>
/// Batches a dataset for training and evaluation, as PyTorch's DataLoader does for mmengine: the
/// sampler orders each epoch, <c>batch_size</c> samples go through the dataset's pipeline and are
/// stacked into one <see cref="Batch"/>. One background thread prepares the next batches (at most
/// <see cref="PrefetchBatches"/> ahead, a bounded queue) while the caller computes; the tensors
/// themselves are made on the caller's thread. Each sample's random transforms are seeded by
/// <see cref="SampleSeeds.For"/> (seed, epoch, index), so an epoch's batches are the same in every
/// run and after a resume.
/// </summary>
public sealed class DataLoader
{
    /// <summary>Creates the loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="sampler">The order of each epoch; in order, unshuffled, when null.</param>
    /// <param name="dropLast">Leave out the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">The run's seed: the sampler's default and the root of every sample's transform seed.</param>
    /// <param name="prefetchBatches">How many prepared batches may wait for the caller.</param>
    public DataLoader(Dataset dataset, int batchSize, Sampler? sampler = null, bool dropLast = false, int seed = 0, int prefetchBatches = 2)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefetchBatches);
        Dataset = dataset;
        BatchSize = batchSize;
        Sampler = sampler ?? new DefaultSampler(shuffle: false);
        DropLast = dropLast;
        Seed = seed;
        PrefetchBatches = prefetchBatches;
    }

    /// <summary>The samples.</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The order of each epoch.</summary>
    public Sampler Sampler { get; }

    /// <summary>Whether a smaller last batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; }

    /// <summary>How many prepared batches may wait.</summary>
    public int PrefetchBatches { get; }

    /// <summary>Batches per epoch.</summary>
    public int Count => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (from 0), from batch <paramref name="skipBatches"/>
    /// on: skipped batches are neither read nor transformed. Stopping the enumeration early stops
    /// the background thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">The samples of a batch differ in shape (add a resize or crop to the pipeline).</exception>
    public IEnumerable<Batch> Epoch(int epoch, int skipBatches = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        var order = Sampler.Indices(Dataset.Count, epoch, Seed);
        var plan = new List<int[]>();
        for (var start = 0; start < order.Count; start += BatchSize)
        {
            var size = Math.Min(BatchSize, order.Count - start);
            if (size < BatchSize && DropLast)
            {
                break;
            }

            plan.Add([.. order.Skip(start).Take(size)]);
        }

        return Produce(plan, epoch, skipBatches, cancellationToken);
    }

    private IEnumerable<Batch> Produce(List<int[]> plan, int epoch, int skipBatches, CancellationToken cancellationToken)
    {
        if (skipBatches >= plan.Count)
        {
            yield break;
        }

        using var queue = new BlockingCollection<PreparedBatch>(PrefetchBatches);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                for (var number = skipBatches; number < plan.Count; number++)
                {
                    queue.Add(Prepare(plan[number], number, epoch), stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception error)
            {
                failure = ExceptionDispatchInfo.Capture(error);
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        {
            IsBackground = true,
            Name = "ImageClassifier data loader",
        };
        worker.Start();
        try
        {
            foreach (var prepared in queue.GetConsumingEnumerable(cancellationToken))
            {
                yield return prepared.ToBatch();
            }

            failure?.Throw();
        }
        finally
        {
            stop.Cancel();
            worker.Join();
        }
    }

    private PreparedBatch Prepare(int[] indices, int number, int epoch)
    {
        var samples = new DataSample[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            samples[i] = Dataset.Get(indices[i], new Random(SampleSeeds.For(Seed, epoch, indices[i])));
        }

        var first = samples[0].Image;
        var pixels = new byte[(long)samples.Length * first.Pixels.Length];
        var labels = new long[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var image = samples[i].Image;
            if (image.Channels != first.Channels || image.Height != first.Height || image.Width != first.Width)
            {
                throw new InvalidOperationException(
                    $"The samples of a batch must have one shape, but {samples[0].Source} is {first.ShapeText} and {samples[i].Source} is {image.ShapeText}: add a Resize, CenterCrop or RandomResizedCrop to the dataset's pipeline.");
            }

            Buffer.BlockCopy(image.Pixels, 0, pixels, i * first.Pixels.Length, first.Pixels.Length);
            labels[i] = samples[i].Label;
        }

        return new PreparedBatch(pixels, [samples.Length, first.Channels, first.Height, first.Width], labels, indices, [.. samples.Select(sample => sample.Source)], number);
    }

    private sealed record PreparedBatch(byte[] Pixels, long[] Shape, long[] Labels, int[] Indices, string[] Sources, int Number)
    {
        public Batch ToBatch()
        {
            var inputs = torch.tensor(Pixels, Shape, ScalarType.Byte).DetachFromDisposeScope();
            var targets = torch.tensor(Labels, ScalarType.Int64).DetachFromDisposeScope();
            return new Batch(inputs, targets, Indices, Sources, Number);
        }
    }
}
