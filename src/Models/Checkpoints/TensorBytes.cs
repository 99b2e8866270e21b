using System.Buffers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>Moves raw little-endian tensor bytes between streams and CPU tensors, a chunk at a time.</summary>
internal static class TensorBytes
{
    // A multiple of every element size, so chunks never split an element.
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads <paramref name="byteCount"/> bytes from <paramref name="source"/> into a new 1-D CPU tensor.</summary>
    /// <exception cref="EndOfStreamException">The stream ends first.</exception>
    public static Tensor ReadStorage(Stream source, ScalarType dtype, long byteCount)
    {
        var elementSize = TorchDtypes.ElementSize(dtype);
        // Bool bytes are read as uint8 and compared with zero, so a byte other than 0 or 1 in a
        // file cannot become an invalid bool in libtorch.
        var readType = dtype == ScalarType.Bool ? ScalarType.Byte : dtype;
        var storage = empty(byteCount / elementSize, readType);
        try
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                for (long done = 0; done < byteCount;)
                {
                    var count = (int)Math.Min(ChunkBytes, byteCount - done);
                    source.ReadExactly(buffer, 0, count);
                    using var slice = storage.narrow(0, done / elementSize, count / elementSize);
                    slice.bytes = buffer.AsSpan(0, count);
                    done += count;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (dtype != ScalarType.Bool)
            {
                return storage;
            }

            using (storage)
            {
                return storage.ne(ScalarConstants.Zero);
            }
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>Writes the bytes of a contiguous CPU tensor to <paramref name="destination"/>.</summary>
    public static void Write(Tensor contiguous, Stream destination)
    {
        using var flat = contiguous.reshape(-1);
        var elementSize = (int)flat.element_size();
        var elementsPerChunk = ChunkBytes / elementSize;
        var total = flat.shape[0];
        for (long done = 0; done < total; done += elementsPerChunk)
        {
            using var slice = flat.narrow(0, done, Math.Min(elementsPerChunk, total - done));
            destination.Write(slice.bytes);
        }
    }
}
