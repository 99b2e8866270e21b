namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>A clock that answers each call with the next of the given times (in microseconds since 1970).</summary>
public sealed class SteppingClock(IEnumerable<long> unixMicroseconds) : TimeProvider
{
    private readonly Queue<long> times = new(unixMicroseconds);

    public int Remaining => times.Count;

    public override DateTimeOffset GetUtcNow() =>
        DateTimeOffset.UnixEpoch.AddTicks(times.Dequeue() * (TimeSpan.TicksPerMillisecond / 1000));
}
