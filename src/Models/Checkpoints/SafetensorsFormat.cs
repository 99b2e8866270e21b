using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// The safetensors layout (huggingface/safetensors): an 8-byte little-endian header length, that
/// many bytes of JSON (each tensor's dtype, shape and [begin, end) offsets into the buffer that
/// follows, and an optional <c>__metadata__</c> object of strings), then the tensors' bytes,
/// little-endian and row-major, with no gaps or overlaps.
/// </summary>
internal static class SafetensorsFormat
{
    /// <summary>The file name extension that marks the format.</summary>
    public const string Extension = ".safetensors";

    /// <summary>The key of the metadata object in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header read, as the reference implementation allows: 100 MB.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly (string Name, ScalarType Dtype)[] Dtypes =
    [
        ("F64", ScalarType.Float64), ("F32", ScalarType.Float32), ("F16", ScalarType.Float16), ("BF16", ScalarType.BFloat16),
        ("I64", ScalarType.Int64), ("I32", ScalarType.Int32), ("I16", ScalarType.Int16), ("I8", ScalarType.Int8),
        ("U8", ScalarType.Byte), ("BOOL", ScalarType.Bool),
    ];

    /// <summary>The names of the dtypes read and written, for messages.</summary>
    public static string SupportedDtypes { get; } = string.Join(", ", Dtypes.Select(entry => entry.Name));

    public static bool TryGetDtype(string name, out ScalarType dtype)
    {
        foreach (var (candidate, type) in Dtypes)
        {
            if (candidate == name)
            {
                dtype = type;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    public static string DtypeName(ScalarType dtype) =>
        Dtypes.FirstOrDefault(entry => entry.Dtype == dtype).Name
        ?? throw new ArgumentException($"safetensors files here hold {SupportedDtypes}; a {dtype} tensor cannot be written.", nameof(dtype));

    /// <summary>Whether a file's first 9 bytes look like a safetensors header: a plausible length, then '{'.</summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> head, long fileLength) =>
        head.Length >= 9
        && head[8] == (byte)'{'
        && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head) is var length
        && length >= 2
        && length <= (ulong)Math.Min(MaxHeaderBytes, fileLength - 8);

    public static bool HasExtension(string? path) =>
        path is not null && path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);
}
