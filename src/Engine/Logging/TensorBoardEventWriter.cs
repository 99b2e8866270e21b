using System.Buffers.Binary;
using System.Net;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// A TensorBoard event file (<c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c>), as
/// TensorFlow's and PyTorch's <c>SummaryWriter</c> write it: TFRecord-framed <c>Event</c>
/// messages, the file version first, then one event per scalar. Each record is flushed as it is
/// written, so a crash loses nothing written, and each writer starts a new file, so a resumed
/// run's file sits beside the old one (TensorBoard reads a folder's files as one run).
/// </summary>
public sealed class TensorBoardEventWriter : IDisposable
{
    /// <summary>The start of every event file's name (TensorBoard finds files by "tfevents").</summary>
    public const string FileNamePrefix = "events.out.tfevents.";

    private const int LengthBytes = sizeof(ulong);
    private const int CrcBytes = sizeof(uint);

    private readonly FileStream stream;
    private readonly TimeProvider time;

    /// <summary>
    /// Creates <paramref name="directory"/> when needed and a new event file in it, named after the
    /// time now and <paramref name="hostName"/> (this machine's by default); a number is added to
    /// the name when a file of that name exists.
    /// </summary>
    /// <param name="directory">Where the file goes (TensorBoard's <c>--logdir</c>).</param>
    /// <param name="time">The clock of the events' wall times; the system clock by default.</param>
    /// <param name="hostName">The host in the file name; <see cref="Dns.GetHostName"/> by default.</param>
    public TensorBoardEventWriter(string directory, TimeProvider? time = null, string? hostName = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        this.time = time ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        var now = Now();
        var name = $"{FileNamePrefix}{now.UnixMicroseconds / 1_000_000}.{hostName ?? Dns.GetHostName()}";
        stream = CreateNew(System.IO.Path.Combine(directory, name));
        Path = stream.Name;
        WriteRecord(TensorBoardEvent.EncodeFileVersion(now.Seconds));
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Appends <paramref name="tag"/> = <paramref name="value"/> (stored as a float) at <paramref name="step"/>.</summary>
    public void WriteScalar(string tag, double value, long step)
    {
        ArgumentNullException.ThrowIfNull(tag);
        WriteRecord(TensorBoardEvent.EncodeScalar(Now().Seconds, step, tag, (float)value));
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();

    private static FileStream CreateNew(string path)
    {
        // Two writers started in the same second (a quick resume) must not share a file.
        for (var number = 0; ; number++)
        {
            var candidate = number == 0 ? path : $"{path}.{number}";
            try
            {
                return new FileStream(candidate, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            }
            catch (IOException) when (File.Exists(candidate))
            {
            }
        }
    }

    /// <summary>The time now, in whole microseconds since 1970 and as the double TensorFlow stores.</summary>
    private (long UnixMicroseconds, double Seconds) Now()
    {
        // Whole microseconds (as Python's time.time() gives) stay exact in a double; 100 ns ticks since
        // 1970 do not, and dividing an exact integer gives the double nearest the decimal time.
        var microseconds = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / (TimeSpan.TicksPerMillisecond / 1000);
        return (microseconds, microseconds / 1e6);
    }

    private void WriteRecord(ReadOnlySpan<byte> data)
    {
        // TFRecord: length (uint64), masked CRC of the length bytes, the data, masked CRC of the data; all little-endian.
        Span<byte> header = stackalloc byte[LengthBytes + CrcBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[LengthBytes..], Crc32C.Masked(header[..LengthBytes]));
        Span<byte> footer = stackalloc byte[CrcBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
        stream.Flush();
    }
}
