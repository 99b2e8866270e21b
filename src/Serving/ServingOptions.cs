using ImageClassifier.Data.Images;

namespace ImageClassifier.Serving;

/// <summary>How a served model batches, queues and limits requests.</summary>
public sealed class ServingOptions
{
    /// <summary>The most images one forward pass takes; requests that arrive together are merged up to this.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// How long a worker holding a partial batch waits for more requests before it runs what it has:
    /// the latency a lone request pays for the chance of sharing a forward pass.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How many requests may wait for an inferencer (being read, decoded or queued); one more is
    /// answered 429 at once, so memory stays bounded however many clients call.
    /// </summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>How many inferencers (model copies) classify in parallel, each one batch at a time.</summary>
    public int PoolSize { get; set; } = 1;

    /// <summary>The largest request body taken, in bytes; a larger one is answered 413.</summary>
    public long MaxRequestBytes { get; set; } = 16L << 20;

    /// <summary>The most images one request may carry; more are answered 413.</summary>
    public int MaxImagesPerRequest { get; set; } = 32;

    /// <summary>
    /// The decoder's limits on each uploaded image (pixels, bytes): by default those of
    /// <c>ICLS_MAX_IMAGE_PIXELS</c> and <c>ICLS_MAX_IMAGE_BYTES</c> (docs/reliability.md). An image
    /// over them is answered 400 before any pixel memory is taken; a public server may want less.
    /// </summary>
    public ImageDecodeOptions ImageLimits { get; set; } = ImageDecodeOptions.FromEnvironment();

    /// <summary>How many classes each result lists when the request does not say (<c>?topk=K</c>); capped at the model's class count.</summary>
    public int DefaultTopk { get; set; } = 5;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or size below 1, or a negative wait.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWait, TimeSpan.Zero, nameof(MaxWait));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(PoolSize, 1, nameof(PoolSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBytes, 1, nameof(MaxRequestBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxImagesPerRequest, 1, nameof(MaxImagesPerRequest));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultTopk, 1, nameof(DefaultTopk));
        ArgumentNullException.ThrowIfNull(ImageLimits, nameof(ImageLimits));
    }
}
