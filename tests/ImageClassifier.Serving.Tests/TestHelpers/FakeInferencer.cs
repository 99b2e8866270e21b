using System.Collections.Concurrent;
using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Inference;

namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>
/// An inferencer without a model: an image's label is the sum of its pixels modulo the class count,
/// scored 0.9 with the rest shared out. It records each call's image count, can be held inside a
/// call until released (to fill the queue), and fails when asked to.
/// </summary>
internal sealed class FakeInferencer(int channels = 3) : IImageClassificationInferencer
{
    private readonly ManualResetEventSlim released = new(initialState: true);
    private int running;

    public IReadOnlyList<string> Classes { get; } = ["cat", "dog", "bird", "fish"];

    public int NumClasses => Classes.Count;

    public int Channels { get; } = channels;

    /// <summary>The images of each Infer call, in call order.</summary>
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    /// <summary>Signalled when a call has started (and, when held, is waiting).</summary>
    public SemaphoreSlim Started { get; } = new(0);

    public bool Disposed { get; private set; }

    public string? FailWith { get; set; }

    public static int LabelOf(ImageData image, int classes) => (int)(image.Pixels.Sum(pixel => (long)pixel) % classes);

    /// <summary>Makes the next calls wait inside Infer until <see cref="Release"/>.</summary>
    public void Hold() => released.Reset();

    public void Release() => released.Set();

    public IReadOnlyList<InferenceResult> Infer(IReadOnlyList<ImageData> images, IReadOnlyList<string>? sources = null, int topk = 1, int batchSize = 32)
    {
        if (Interlocked.Increment(ref running) != 1)
        {
            throw new InvalidOperationException("Two calls ran at once on one inferencer.");
        }

        try
        {
            BatchSizes.Enqueue(images.Count);
            Started.Release();
            released.Wait(TimeSpan.FromSeconds(30));
            if (FailWith is { } message)
            {
                throw new InvalidOperationException(message);
            }

            return [.. images.Select((image, index) => Result(image, sources?[index] ?? $"image[{index}]", topk))];
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    public void Dispose() => Disposed = true;

    private InferenceResult Result(ImageData image, string source, int topk)
    {
        var best = LabelOf(image, NumClasses);
        var others = (1.0 - 0.9) / (NumClasses - 1);
        var top = Enumerable.Range(0, topk)
            .Select(rank => (best + rank) % NumClasses)
            .Select((label, rank) => new ClassScore(label, Classes[label], rank == 0 ? 0.9 : others))
            .ToList();
        return new InferenceResult(source, best, Classes[best], 0.9, top);
    }
}
