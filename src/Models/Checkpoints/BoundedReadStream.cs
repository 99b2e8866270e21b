namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Reads at most <c>limit</c> bytes from an inner stream (a zip record being inflated) and then
/// reports the end, whatever the inner stream still holds: a record whose header understates its
/// size can then never make the reader inflate more than the size that was checked.
/// </summary>
internal sealed class BoundedReadStream : Stream
{
    private readonly Stream inner;
    private readonly long limit;
    private long position;

    public BoundedReadStream(Stream inner, long limit)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        this.inner = inner;
        this.limit = limit;
    }

    /// <summary>Bytes handed out so far.</summary>
    public long BytesRead => position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Whether the inner stream goes on past the limit, at the cost of inflating one byte more: a
    /// record longer than its header says is damaged even when the bytes read were right.
    /// </summary>
    public bool InnerHasMore()
    {
        Span<byte> probe = stackalloc byte[1];
        return inner.Read(probe) > 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var allowed = (int)Math.Min(buffer.Length, limit - position);
        if (allowed == 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..allowed]);
        position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
