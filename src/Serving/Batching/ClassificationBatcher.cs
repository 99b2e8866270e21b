using System.Diagnostics;
using System.Threading.Channels;
using ImageClassifier.Engine.Inference;
using Microsoft.Extensions.Hosting;

namespace ImageClassifier.Serving.Batching;

/// <summary>
/// Merges requests from many clients into batches on a fixed pool of inferencers. Requests wait in
/// a bounded queue (<see cref="ServingOptions.QueueCapacity"/>); each pooled inferencer has one
/// worker that takes the first waiting request, adds more until the batch holds
/// <see cref="ServingOptions.MaxBatchSize"/> images or <see cref="ServingOptions.MaxWait"/> has
/// passed, runs one <see cref="IImageClassificationInferencer.Infer"/> call and hands each request
/// its results. An inferencer runs one call at a time, as it must. Started and stopped by the
/// host as a hosted service: start creates the pool, stop serves what is queued and disposes it.
/// </summary>
public sealed class ClassificationBatcher : IHostedService, IDisposable
{
    private readonly ServedModel model;
    private readonly ServingOptions options;
    private readonly Channel<ClassificationJob> queue;
    private readonly List<IImageClassificationInferencer> pool = [];
    private Task[] workers = [];
    private int slotsTaken;
    private long batches;
    private long images;
    private long rejected;
    private volatile bool serving;

    /// <summary>Creates the batcher; the pool is created when the host starts it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ClassificationBatcher(ServedModel model, ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.model = model;
        this.options = options;

        // Slots bound the queue (at most QueueCapacity jobs are ever written), so writes never wait.
        queue = Channel.CreateBounded<ClassificationJob>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = options.PoolSize == 1,
        });
    }

    /// <summary>The model served.</summary>
    public ServedModel Model => model;

    /// <summary>The options it runs with.</summary>
    public ServingOptions Options => options;

    /// <summary>Whether the pool is up and requests are taken.</summary>
    public bool IsServing => serving;

    /// <summary>The model's class names (from the first pooled inferencer).</summary>
    /// <exception cref="InvalidOperationException">The batcher has not started.</exception>
    public IReadOnlyList<string> Classes => First.Classes;

    /// <summary>The model's class count.</summary>
    /// <exception cref="InvalidOperationException">The batcher has not started.</exception>
    public int NumClasses => First.NumClasses;

    /// <summary>The model's input channels: uploads are decoded to this.</summary>
    /// <exception cref="InvalidOperationException">The batcher has not started.</exception>
    public int Channels => First.Channels;

    /// <summary>Requests holding a queue slot: being read, decoded or waiting for an inferencer.</summary>
    public int Queued => Volatile.Read(ref slotsTaken);

    /// <summary>Forward-pass calls run since start.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>Images classified since start.</summary>
    public long Images => Interlocked.Read(ref images);

    /// <summary>Requests refused since start because the queue was full.</summary>
    public long Rejected => Interlocked.Read(ref rejected);

    private IImageClassificationInferencer First =>
        pool.Count > 0 ? pool[0] : throw new InvalidOperationException("The classification batcher has not started: no inferencer is loaded yet.");

    /// <summary>Takes a place in the queue, or null when it is full (the caller answers 429) or the batcher is not serving.</summary>
    public QueueSlot? TryTakeSlot()
    {
        if (!serving)
        {
            return null;
        }

        while (true)
        {
            var taken = Volatile.Read(ref slotsTaken);
            if (taken >= options.QueueCapacity)
            {
                Interlocked.Increment(ref rejected);
                return null;
            }

            if (Interlocked.CompareExchange(ref slotsTaken, taken + 1, taken) == taken)
            {
                return new QueueSlot(this);
            }
        }
    }

    /// <summary>Creates the pool (one inferencer per <see cref="ServingOptions.PoolSize"/>) and starts a worker for each.</summary>
    /// <exception cref="Exception">From <see cref="ServedModel.CreateInferencer"/>: a model that does not load.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            for (var index = 0; index < options.PoolSize; index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pool.Add(model.CreateInferencer());
            }
        }
        catch
        {
            DisposePool();
            throw;
        }

        workers = [.. pool.Select(inferencer => Task.Run(() => RunWorkerAsync(inferencer), CancellationToken.None))];
        serving = true;
        return Task.CompletedTask;
    }

    /// <summary>Takes no more requests, lets the workers finish what is queued, then disposes the pool.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        serving = false;
        queue.Writer.TryComplete();
        await Task.WhenAll(workers).ConfigureAwait(false);
        DisposePool();
    }

    /// <summary>Disposes the pool if the host never stopped the batcher.</summary>
    public void Dispose()
    {
        serving = false;
        queue.Writer.TryComplete();
        if (workers.All(worker => worker.IsCompleted))
        {
            DisposePool();
        }
    }

    internal Task<IReadOnlyList<InferenceResult>> Enqueue(ClassificationJob job)
    {
        if (!queue.Writer.TryWrite(job))
        {
            ReleaseSlot();
            job.Fail(new InvalidOperationException("The server is stopping and takes no more requests."));
        }

        return job.Results;
    }

    internal void ReleaseSlot() => Interlocked.Decrement(ref slotsTaken);

    private async Task RunWorkerAsync(IImageClassificationInferencer inferencer)
    {
        var reader = queue.Reader;
        var batch = new List<ClassificationJob>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            await CollectAsync(reader, batch).ConfigureAwait(false);
            if (batch.Count > 0)
            {
                Run(inferencer, batch);
            }
        }
    }

    // Fills one batch: the first waiting job at once, then more until the batch is full or the
    // wait is over. A job that would overfill the batch stays queued for the next one; a single
    // request with more images than a batch holds goes alone, and Infer splits its forward passes.
    private async Task CollectAsync(ChannelReader<ClassificationJob> reader, List<ClassificationJob> batch)
    {
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (count < options.MaxBatchSize)
        {
            if (reader.TryPeek(out var next))
            {
                if (batch.Count > 0 && count + next.Images.Count > options.MaxBatchSize)
                {
                    return;
                }

                if (!reader.TryRead(out next))
                {
                    continue;
                }

                ReleaseSlot();
                if (next.Cancellation.IsCancellationRequested)
                {
                    next.Cancel();
                    continue;
                }

                batch.Add(next);
                count += next.Images.Count;
                continue;
            }

            var remaining = options.MaxWait - clock.Elapsed;
            if (batch.Count == 0 || remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var wait = new CancellationTokenSource(remaining);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Run(IImageClassificationInferencer inferencer, List<ClassificationJob> batch)
    {
        var batchImages = batch.SelectMany(job => job.Images).ToList();
        var sources = batch.SelectMany(job => job.Sources).ToList();

        // One call for the whole batch at the largest k asked; each request's results are cut to its own k.
        var topk = batch.Max(job => job.Topk);
        IReadOnlyList<InferenceResult> results;
        try
        {
            results = inferencer.Infer(batchImages, sources, topk, options.MaxBatchSize);
        }
        catch (Exception error)
        {
            foreach (var job in batch)
            {
                job.Fail(error);
            }

            return;
        }
        finally
        {
            Interlocked.Increment(ref batches);
            Interlocked.Add(ref images, batchImages.Count);
        }

        var offset = 0;
        foreach (var job in batch)
        {
            job.Complete([.. results.Skip(offset).Take(job.Images.Count).Select(result => WithTopk(result, job.Topk))]);
            offset += job.Images.Count;
        }
    }

    private static InferenceResult WithTopk(InferenceResult result, int topk) =>
        result.TopK.Count > topk ? result with { TopK = [.. result.TopK.Take(topk)] } : result;

    private void DisposePool()
    {
        foreach (var inferencer in pool)
        {
            inferencer.Dispose();
        }

        pool.Clear();
    }
}
