using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Inference;

namespace ImageClassifier.Serving.Batching;

/// <summary>
/// A place in the bounded queue, taken before a request's body is read so that a full server
/// refuses work before it spends memory on it. <see cref="ClassifyAsync"/> hands the place to the
/// images; disposing a slot that was never used gives it back.
/// </summary>
public sealed class QueueSlot : IDisposable
{
    private readonly ClassificationBatcher batcher;
    private int state;

    internal QueueSlot(ClassificationBatcher batcher) => this.batcher = batcher;

    /// <summary>Queues <paramref name="images"/> for the next batch and waits for their results, in order.</summary>
    /// <param name="images">Decoded images with the model's channels.</param>
    /// <param name="sources">What to call each image in its result.</param>
    /// <param name="topk">How many classes each result lists.</param>
    /// <param name="cancellation">Drops the images if they have not reached a batch yet.</param>
    /// <exception cref="InvalidOperationException">The slot was used already, or the server is stopping.</exception>
    public Task<IReadOnlyList<InferenceResult>> ClassifyAsync(IReadOnlyList<ImageData> images, IReadOnlyList<string> sources, int topk, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(sources);
        if (images.Count != sources.Count)
        {
            throw new ArgumentException($"{images.Count} images but {sources.Count} sources.", nameof(sources));
        }

        if (Interlocked.CompareExchange(ref state, 1, 0) != 0)
        {
            throw new InvalidOperationException("This queue slot was used or given back already.");
        }

        return batcher.Enqueue(new ClassificationJob(images, sources, topk, cancellation));
    }

    /// <summary>Gives the place back when <see cref="ClassifyAsync"/> was not called.</summary>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref state, 2, 0) == 0)
        {
            batcher.ReleaseSlot();
        }
    }
}
