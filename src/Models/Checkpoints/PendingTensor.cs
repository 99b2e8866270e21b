using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A tensor a pickle described (<c>_rebuild_tensor_v2</c> and friends): a strided view of a
/// storage. It becomes a <see cref="Tensor"/> only after the whole pickle has been accepted.
/// </summary>
internal sealed class PendingTensor
{
    public PendingTensor(StorageRef storage, ScalarType dtype, long storageOffset, long[] size, long[] stride, bool requiresGrad)
    {
        Storage = storage;
        DType = dtype;
        StorageOffset = storageOffset;
        Size = size;
        Stride = stride;
        RequiresGrad = requiresGrad;
    }

    public StorageRef Storage { get; }

    public ScalarType DType { get; }

    /// <summary>Offset in elements from the start of <see cref="Storage"/>.</summary>
    public long StorageOffset { get; }

    public long[] Size { get; }

    public long[] Stride { get; }

    public bool RequiresGrad { get; set; }
}
