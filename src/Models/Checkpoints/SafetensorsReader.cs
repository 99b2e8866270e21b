using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Reads a safetensors file into the shape <see cref="TorchCheckpointReader"/> gives mmengine
/// checkpoints, <c>{"meta": metadata, "state_dict": tensors}</c>, so every place that takes a
/// checkpoint takes one. The header is validated before any tensor is read, as the reference
/// implementation does: JSON object, known dtypes, non-negative shapes whose size matches the
/// offsets, offsets that cover the buffer exactly in order, string metadata, and the limits of
/// <see cref="CheckpointReadOptions"/>.
/// </summary>
internal static class SafetensorsReader
{
    private const int HeaderLengthBytes = 8;

    public static Dictionary<string, object?> Read(Stream stream, string? source, CheckpointReadOptions options)
    {
        var start = stream.Position;
        var fileLength = stream.Length - start;
        Span<byte> lengthBytes = stackalloc byte[HeaderLengthBytes];
        if (stream.ReadAtLeast(lengthBytes, HeaderLengthBytes, throwOnEndOfStream: false) < HeaderLengthBytes)
        {
            throw Error(source, $"it is {fileLength} bytes long, shorter than the 8-byte header length a safetensors file starts with");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)SafetensorsFormat.MaxHeaderBytes || headerLength > (ulong)(fileLength - HeaderLengthBytes))
        {
            throw Error(source, $"its header length says {headerLength} bytes, but the file has {fileLength - HeaderLengthBytes} after it (and headers of at most {SafetensorsFormat.MaxHeaderBytes} bytes are read)");
        }

        var headerBytes = new byte[(int)headerLength];
        stream.ReadExactly(headerBytes);
        var bufferLength = fileLength - HeaderLengthBytes - (long)headerLength;
        var (entries, metadata) = ParseHeader(headerBytes, bufferLength, source, options);

        var dataStart = start + HeaderLengthBytes + (long)headerLength;
        var tensors = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries)
            {
                stream.Position = dataStart + entry.Begin;
                using var storage = TensorBytes.ReadStorage(stream, entry.Dtype, entry.End - entry.Begin);
                tensors[entry.Name] = storage.reshape(entry.Shape);
            }
        }
        catch
        {
            foreach (var tensor in tensors.Values.OfType<Tensor>())
            {
                tensor.Dispose();
            }

            throw;
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["meta"] = metadata,
            ["state_dict"] = tensors,
        };
    }

    private static (List<Entry> Entries, Dictionary<string, object?> Metadata) ParseHeader(byte[] header, long bufferLength, string? source, CheckpointReadOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException error)
        {
            throw Error(source, $"its header is not valid JSON ({error.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, $"its header is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object of tensors");
            }

            var metadata = new Dictionary<string, object?>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == SafetensorsFormat.MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, source);
                }
                else
                {
                    entries.Add(ReadEntry(property, source));
                }
            }

            entries.Sort((left, right) => left.Begin.CompareTo(right.Begin));
            long expectedBegin = 0;
            foreach (var entry in entries)
            {
                if (entry.Begin != expectedBegin)
                {
                    throw Error(source, $"tensor '{entry.Name}' starts at offset {entry.Begin} of the data, but the tensors before it end at {expectedBegin}: the offsets must cover the data without gaps or overlaps");
                }

                expectedBegin = entry.End;
            }

            if (expectedBegin != bufferLength)
            {
                throw Error(source, $"its tensors take {expectedBegin} bytes of data, but the file holds {bufferLength} bytes after the header (truncated, or bytes no tensor owns)");
            }

            if (expectedBegin > options.MaxStorageBytes)
            {
                throw Error(source, $"its tensors take {expectedBegin} bytes, more than the limit of {options.MaxStorageBytes} ({CheckpointReadOptions.MaxStorageBytesVariable})");
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, object?> metadata, string? source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, $"its {SafetensorsFormat.MetadataKey} is a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not an object of strings");
        }

        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(source, $"its {SafetensorsFormat.MetadataKey} entry '{item.Name}' is a JSON {item.Value.ValueKind.ToString().ToLowerInvariant()}; metadata values are strings");
            }

            metadata[item.Name] = item.Value.GetString();
        }
    }

    private static Entry ReadEntry(JsonProperty property, string? source)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, $"tensor '{name}' is described by a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not an object with dtype, shape and data_offsets");
        }

        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw Error(source, $"tensor '{name}' has no dtype string");
        }

        var dtypeName = dtypeValue.GetString()!;
        if (!SafetensorsFormat.TryGetDtype(dtypeName, out var dtype))
        {
            throw Error(source, $"tensor '{name}' has dtype {dtypeName}; the reader takes {SafetensorsFormat.SupportedDtypes}");
        }

        if (!value.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array)
        {
            throw Error(source, $"tensor '{name}' has no shape array");
        }

        var shape = new long[shapeValue.GetArrayLength()];
        long elements = 1;
        var index = 0;
        foreach (var dimension in shapeValue.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var size) || size < 0)
            {
                throw Error(source, $"tensor '{name}' has shape {shapeValue.GetRawText()}; each dimension must be a whole number of 0 or more");
            }

            shape[index++] = size;
            elements = size == 0 || elements == 0 ? 0 : checked(elements * size);
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            throw Error(source, $"tensor '{name}' needs data_offsets [begin, end] with 0 <= begin <= end");
        }

        var bytes = checked(elements * TorchDtypes.ElementSize(dtype));
        if (end - begin != bytes)
        {
            throw Error(source, $"tensor '{name}' is {dtypeName} of shape {shapeValue.GetRawText()}, {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}");
        }

        return new Entry(name, dtype, shape, begin, end);
    }

    private static CheckpointFormatException Error(string? source, string problem) =>
        new(source, $"'{PickleAllowList.Display(source)}' is not a readable safetensors file: {problem}.");

    private sealed record Entry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End);
}
