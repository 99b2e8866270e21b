using System.IO.Compression;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Writes checkpoints in torch.save's zip format, so that PyTorch's <c>torch.load(path)</c> and
/// <c>torch.load(path, weights_only=True)</c> read them back.
/// </summary>
/// <remarks>
/// <para>
/// Accepted values: null, bool, integers, float/double/Half, string, <c>byte[]</c>,
/// <see cref="Tensor"/> (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8,
/// bool; any device and layout: each is written as its own contiguous CPU storage),
/// <see cref="ScalarType"/> (as a torch dtype), dictionaries (any <see cref="System.Collections.IDictionary"/>
/// with string or integer keys, in their enumeration order), lists (any <see cref="System.Collections.IList"/>),
/// and tuples (<c>object?[]</c> or a ValueTuple). A dictionary whose values are all tensors is a
/// state dict and is written as <c>collections.OrderedDict</c>, as PyTorch does.
/// </para>
/// <para>
/// Tensors are written with <c>requires_grad=False</c>: a checkpoint holds data, not autograd state.
/// Floats in metadata are written with the BINFLOAT opcode, which PyTorch 1.13's
/// <c>weights_only</c> loader (unlike later versions) does not accept; plain <c>torch.load</c> does.
/// </para>
/// </remarks>
public static partial class TorchCheckpointWriter
{
    // Records live under one folder of the archive; torch.load takes any name, PyTorch 2 writes this one.
    private const string ArchiveFolder = "archive/";
    // Fixed record times keep a checkpoint's bytes a function of its content.
    private static readonly DateTimeOffset RecordTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically: into a temporary
    /// file in the same folder, flushed to disk, then renamed over <paramref name="path"/>. A failure
    /// at any point leaves an existing file at <paramref name="path"/> as it was and removes the
    /// temporary file. The folder is created when missing.
    /// </summary>
    /// <exception cref="ArgumentException">A value in <paramref name="checkpoint"/> has no checkpoint encoding; the message names where it is.</exception>
    public static void Write(string path, object? checkpoint) =>
        WriteAtomically(path, stream => Write(stream, checkpoint));

    /// <summary>
    /// Runs <paramref name="write"/> on a temporary file beside <paramref name="path"/> (named as
    /// <see cref="IsTemporaryCheckpoint"/> recognises), flushes it to disk and renames it over
    /// <paramref name="path"/>; on failure the temporary file is removed and an existing file left as it was.
    /// </summary>
    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, TemporaryName(Path.GetFileName(fullPath)));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // The original error matters more than a leftover temporary file.
            }
            catch (UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="fileName"/> is a temporary file <see cref="Write(string, object?)"/>
    /// makes for a <c>.pth</c> checkpoint (<c>.NAME.pth.GUID.tmp</c>, the GUID as 32 hex digits), or
    /// that the work dir's PNG charts are written through under the same scheme; only a killed
    /// writer leaves one behind.
    /// </summary>
    public static bool IsTemporaryCheckpoint(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return TemporaryCheckpointName().IsMatch(fileName);
    }

    /// <summary>
    /// Deletes the temporary checkpoint files (<see cref="IsTemporaryCheckpoint"/>) directly in
    /// <paramref name="folder"/>, and nothing else. Call it only where no other process writes
    /// checkpoints into the folder: a temporary file being written would go too.
    /// </summary>
    /// <returns>The files deleted; one that could not be deleted is left and not listed.</returns>
    public static IReadOnlyList<string> RemoveTemporaryCheckpoints(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var path in Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.TopDirectoryOnly))
        {
            if (!IsTemporaryCheckpoint(Path.GetFileName(path)))
            {
                continue;
            }

            try
            {
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // A leftover that cannot go now (a read-only folder) must not stop what the caller does.
            }
        }

        return removed;
    }

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="destination"/> (not atomic; the stream is left open).</summary>
    /// <exception cref="ArgumentException">A value in <paramref name="checkpoint"/> has no checkpoint encoding.</exception>
    public static void Write(Stream destination, object? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);

        IReadOnlyList<Tensor> storages;
        using (var pickle = OpenRecord(archive, "data.pkl"))
        {
            var emitter = new PickleEmitter(pickle);
            emitter.Dump(checkpoint);
            storages = emitter.Storages;
        }

        using (var byteOrder = OpenRecord(archive, "byteorder"))
        {
            byteOrder.Write("little"u8);
        }

        for (var key = 0; key < storages.Count; key++)
        {
            using var record = OpenRecord(archive, $"data/{key}");
            using var scope = torch.NewDisposeScope();
            var data = storages[key].detach().cpu().contiguous();
            TensorBytes.Write(data, record);
        }

        using (var version = OpenRecord(archive, "version"))
        {
            version.Write("3\n"u8);
        }
    }

    private static string TemporaryName(string fileName) => $".{fileName}.{Guid.NewGuid():N}.tmp";

    [GeneratedRegex(@"^\..+\.(pth|png)\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryCheckpointName();

    private static Stream OpenRecord(ZipArchive archive, string name)
    {
        // Stored, not deflated: PyTorch reads records in place.
        var entry = archive.CreateEntry(ArchiveFolder + name, CompressionLevel.NoCompression);
        entry.LastWriteTime = RecordTime;
        return entry.Open();
    }
}
