using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Inference;

namespace ImageClassifier.Serving.Batching;

/// <summary>One request's images on their way through the queue, and the promise of their results.</summary>
internal sealed class ClassificationJob(IReadOnlyList<ImageData> images, IReadOnlyList<string> sources, int topk, CancellationToken cancellation)
{
    // Continuations run on the thread pool, never inline on the worker that completes the batch.
    private readonly TaskCompletionSource<IReadOnlyList<InferenceResult>> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ImageData> Images { get; } = images;

    public IReadOnlyList<string> Sources { get; } = sources;

    public int Topk { get; } = topk;

    public CancellationToken Cancellation { get; } = cancellation;

    public Task<IReadOnlyList<InferenceResult>> Results => completion.Task;

    public void Complete(IReadOnlyList<InferenceResult> results) => completion.TrySetResult(results);

    public void Fail(Exception error) => completion.TrySetException(error);

    public void Cancel() => completion.TrySetCanceled(Cancellation);
}
