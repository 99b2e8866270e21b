using System.Runtime.ExceptionServices;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Samplers;
using ImageClassifier.Data.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Data.Loading;

/// <summary>
/// Batches a dataset for training and evaluation, as PyTorch's DataLoader does for mmengine: the
/// sampler orders each epoch, <c>batch_size</c> samples go through the dataset's pipeline and are
/// stacked into one <see cref="Batch"/>. <see cref="Workers"/> background threads prepare the next
/// batches (each at most <see cref="PrefetchBatches"/> ahead, as PyTorch's <c>prefetch_factor</c>, besides the one in hand)
/// while the caller computes, and the caller receives them in order; the tensors themselves are
/// made on the caller's thread, unless <see cref="PinMemory"/> is set. Each sample's random
/// transforms are seeded by <see cref="SampleSeeds.For"/> (seed, epoch, index), so an epoch's
/// batches are the same in every run, after a resume and with any number of workers.
/// </summary>
/// <remarks>
/// With more than one worker the dataset's <c>Get</c> and the pipeline's transforms are called from
/// several threads at once: the built-in datasets and transforms keep no state between calls.
/// </remarks>
/// <remarks>
/// With <see cref="PinMemory"/> (for a CUDA model) the background thread also makes the tensors and
/// copies them into page-locked memory, so that the caller can move them to the GPU with
/// <c>non_blocking: true</c>; where libtorch has no CUDA the tensors are made there unpinned.
/// </remarks>
public sealed class DataLoader
{
    private readonly int workers = 1;

    /// <summary>Creates the loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="sampler">The order of each epoch; in order, unshuffled, when null.</param>
    /// <param name="dropLast">Leave out the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">The run's seed: the sampler's default and the root of every sample's transform seed.</param>
    /// <param name="prefetchBatches">How many prepared batches may wait for the caller, per worker.</param>
    /// <param name="pinMemory">Give batches in page-locked (pinned) memory, made on the background thread, for fast and asynchronous copies to a CUDA device.</param>
    /// <param name="numClasses">The model's class count: a batch with a label outside 0 to numClasses - 1 is refused; null to check nothing.</param>
    public DataLoader(Dataset dataset, int batchSize, Sampler? sampler = null, bool dropLast = false, int seed = 0, int prefetchBatches = 2, bool pinMemory = false, int? numClasses = null)
    {
        if (numClasses is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The class count must be 1 or more.");
        }

        NumClasses = numClasses;
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefetchBatches);
        Dataset = dataset;
        BatchSize = batchSize;
        Sampler = sampler ?? new DefaultSampler(shuffle: false);
        DropLast = dropLast;
        Seed = seed;
        PrefetchBatches = prefetchBatches;
        PinMemory = pinMemory;
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

    /// <summary>How many prepared batches may wait, per worker.</summary>
    public int PrefetchBatches { get; }

    /// <summary>
    /// The background threads that prepare batches (<c>num_workers</c>; at least one, since the
    /// caller's thread is the model's). Default 1.
    /// </summary>
    public int Workers
    {
        get => workers;
        init => workers = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Workers), value, "A loader needs at least one worker thread.");
    }

    /// <summary>
    /// Whether batches come in pinned memory (when libtorch has CUDA), their tensors made on the
    /// background thread; otherwise the caller's thread makes them from the prepared arrays.
    /// </summary>
    public bool PinMemory { get; }

    /// <summary>What errors call the dataset ("MNIST dataset (train_dataloader.dataset)"); its type's name when not set.</summary>
    public string? DatasetName { get; init; }

    /// <summary>The class count labels are checked against, or null.</summary>
    public int? NumClasses { get; }

    /// <summary>The part of each epoch this loader reads: all of it, or one process's shard in a data-parallel run.</summary>
    public DataShard Shard { get; init; } = DataShard.Whole;

    /// <summary>
    /// Test-time augmentation (mmcv's <c>TestTimeAug</c>): each sample goes through each of these
    /// transform lists instead of the dataset's pipeline, every view from the sample's own seed, and
    /// batches hold (V, N, C, H, W) images, view by view. Null (the default) for the dataset's pipeline.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Transform>>? Views { get; init; }

    /// <summary>Batches per epoch.</summary>
    public int Count => DropLast ? Shard.SizeOf(Dataset.Count) / BatchSize : (Shard.SizeOf(Dataset.Count) + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (from 0), from batch <paramref name="skipBatches"/>
    /// on: skipped batches are neither read nor transformed. Stopping the enumeration early stops
    /// the background thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">The samples of a batch differ in shape (add a resize or crop to the pipeline).</exception>
    /// <exception cref="LabelOutOfRangeException">With <see cref="NumClasses"/> set, a sample's label is negative or not below it.</exception>
    public IEnumerable<Batch> Epoch(int epoch, int skipBatches = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        var order = Shard.Select(Sampler.Indices(Dataset.Count, epoch, Seed));
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

        var pin = PinMemory && torch.cuda.is_available();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Each worker may hold one batch in hand and PrefetchBatches more waiting for the caller.
        using var room = new SemaphoreSlim((PrefetchBatches + 1) * Workers);

        // One slot per batch of the epoch: a worker claims the next number, prepares it and fills its
        // slot; the caller takes the slots in order, so batches come in order whichever worker is faster.
        var slots = new Slot?[plan.Count];
        using var wake = cancellationToken.Register(() => Wake(slots));
        var next = skipBatches - 1;
        var threads = new Thread[Math.Min(Workers, plan.Count - skipBatches)];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        room.Wait(stop.Token);
                        var number = Interlocked.Increment(ref next);
                        if (number >= plan.Count)
                        {
                            return;
                        }

                        Slot filled;
                        try
                        {
                            filled = new Slot(Prepare(plan[number], number, epoch, pin), null);
                        }
                        catch (Exception error)
                        {
                            // Later batches still come before the failure is raised in its place: stop claiming new ones.
                            filled = new Slot(null, ExceptionDispatchInfo.Capture(error));
                            stop.Cancel();
                        }

                        lock (slots)
                        {
                            slots[number] = filled;
                            Monitor.PulseAll(slots);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            })
            {
                IsBackground = true,
                Name = "ImageClassifier data loader",
            };
            threads[t].Start();
        }

        try
        {
            for (var number = skipBatches; number < plan.Count; number++)
            {
                Slot taken;
                lock (slots)
                {
                    while (slots[number] is null)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Monitor.Wait(slots);
                    }

                    taken = slots[number]!;
                    slots[number] = null;
                }

                taken.Failure?.Throw();
                room.Release();
                yield return taken.Prepared!.ToBatch();
            }
        }
        finally
        {
            stop.Cancel();
            Wake(slots);
            foreach (var thread in threads)
            {
                thread.Join();
            }

            // Batches prepared but never handed out may own tensors (pinned memory).
            foreach (var left in slots)
            {
                left?.Prepared?.Release();
            }
        }
    }

    private static void Wake(object gate)
    {
        lock (gate)
        {
            Monitor.PulseAll(gate);
        }
    }

    private PreparedBatch Prepare(int[] indices, int number, int epoch, bool pin)
    {
        // View by view: samples[view * N + i] is view `view` of sample i.
        var views = Views ?? [Dataset.Pipeline];
        var samples = new DataSample[views.Count * indices.Length];
        for (var view = 0; view < views.Count; view++)
        {
            for (var i = 0; i < indices.Length; i++)
            {
                samples[(view * indices.Length) + i] = Dataset.Get(indices[i], new Random(SampleSeeds.For(Seed, epoch, indices[i])), views[view]);
            }
        }

        var first = samples[0].Image;
        var pixels = new byte[(long)samples.Length * first.Pixels.Length];
        var labels = new long[indices.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var image = samples[i].Image;
            if (image.Channels != first.Channels || image.Height != first.Height || image.Width != first.Width)
            {
                throw new InvalidOperationException(Views is null
                    ? $"The samples of a batch must have one shape, but {samples[0].Source} is {first.ShapeText} and {samples[i].Source} is {image.ShapeText}: add a Resize, CenterCrop or RandomResizedCrop to the dataset's pipeline."
                    : $"The test-time views of a batch must have one shape, but view 1 of {samples[0].Source} is {first.ShapeText} and view {(i / indices.Length) + 1} of {samples[i].Source} is {image.ShapeText}: give every view of tta_pipeline the same output size.");
            }

            Buffer.BlockCopy(image.Pixels, 0, pixels, i * first.Pixels.Length, first.Pixels.Length);
        }

        for (var i = 0; i < indices.Length; i++)
        {
            if (NumClasses is { } classes && (samples[i].Label < 0 || samples[i].Label >= classes))
            {
                throw new LabelOutOfRangeException(DatasetName ?? $"{Dataset.GetType().Name} dataset", indices[i], samples[i].Source, samples[i].Label, classes);
            }

            labels[i] = samples[i].Label;
        }

        long[] shape = Views is null
            ? [indices.Length, first.Channels, first.Height, first.Width]
            : [views.Count, indices.Length, first.Channels, first.Height, first.Width];
        var prepared = new PreparedBatch(pixels, shape, labels, indices, [.. samples.Take(indices.Length).Select(sample => sample.Source)], number);
        if (PinMemory)
        {
            prepared.MakeTensors(pin);
        }

        return prepared;
    }

    // A batch a worker made, or why it could not.
    private sealed record Slot(PreparedBatch? Prepared, ExceptionDispatchInfo? Failure);

    private sealed record PreparedBatch(byte[] Pixels, long[] Shape, long[] Labels, int[] Indices, string[] Sources, int Number)
    {
        private Tensor? inputs;
        private Tensor? targets;

        // On the background thread, which has no dispose scope: the tensors belong to none.
        public void MakeTensors(bool pin)
        {
            try
            {
                inputs = torch.tensor(Pixels, Shape, ScalarType.Byte);
                targets = torch.tensor(Labels, ScalarType.Int64);
                if (pin)
                {
                    inputs = Pinned(inputs);
                    targets = Pinned(targets);
                }
            }
            catch
            {
                Release();
                throw;
            }
        }

        public Batch ToBatch()
        {
            var batchInputs = inputs ?? torch.tensor(Pixels, Shape, ScalarType.Byte).DetachFromDisposeScope();
            var batchTargets = targets ?? torch.tensor(Labels, ScalarType.Int64).DetachFromDisposeScope();
            inputs = null;
            targets = null;
            return new Batch(batchInputs, batchTargets, Indices, Sources, Number);
        }

        public void Release()
        {
            inputs?.Dispose();
            targets?.Dispose();
            inputs = null;
            targets = null;
        }

        private static Tensor Pinned(Tensor tensor)
        {
            var pinned = tensor.pin_memory();
            tensor.Dispose();
            return pinned;
        }
    }
}
