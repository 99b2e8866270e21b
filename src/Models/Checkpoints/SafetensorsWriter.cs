using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Writes tensors as a safetensors file (<see cref="SafetensorsFormat"/>): the header in the given
/// order, padded with spaces to a multiple of 8 bytes as the reference writer does, then each
/// tensor's bytes. Tensors that share memory are written as separate copies, which the format
/// requires.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="path"/>, atomically as <see cref="TorchCheckpointWriter"/> does.</summary>
    /// <exception cref="ArgumentException">A tensor's dtype has no safetensors name, or two tensors share a name.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        TorchCheckpointWriter.WriteAtomically(path, stream => Write(stream, list, metadata));
    }

    /// <summary>Writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="destination"/>.</summary>
    public static void Write(Stream destination, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(tensors);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsFormat.MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                if (!names.Add(name) || name == SafetensorsFormat.MetadataKey)
                {
                    throw new ArgumentException($"Tensor name '{name}' is used twice or is the metadata key.", nameof(tensors));
                }

                var bytes = tensor.numel() * tensor.element_size();
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsFormat.DtypeName(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var size in tensor.shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        var padding = (int)((8 - (header.Length % 8)) % 8);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(header.Length + padding));
        destination.Write(length);
        header.Position = 0;
        header.CopyTo(destination);
        destination.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        foreach (var (_, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            TensorBytes.Write(cpu, destination);
        }
    }
}
