using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A storage a pickle refers to by persistent id: the record <see cref="Key"/> holding its bytes,
/// and, for legacy storage views, the element range of that record it covers. Only bookkeeping:
/// no bytes are read until the whole pickle has been accepted.
/// </summary>
internal sealed class StorageRef
{
    public StorageRef(string key, ScalarType dtype, long elementOffset, long elementCount, string location)
    {
        Key = key;
        DType = dtype;
        ElementOffset = elementOffset;
        ElementCount = elementCount;
        Location = location;
    }

    /// <summary>The record name: <c>data/&lt;key&gt;</c> in a zip, or a key of the legacy storage list.</summary>
    public string Key { get; }

    /// <summary>The element type the storage class declares.</summary>
    public ScalarType DType { get; }

    /// <summary>First element of the record this storage starts at (non-zero only for legacy views).</summary>
    public long ElementOffset { get; }

    /// <summary>Elements the pickle declares for this storage.</summary>
    public long ElementCount { get; }

    /// <summary>Where PyTorch kept it (<c>cpu</c>, <c>cuda:0</c>); everything is loaded to the CPU.</summary>
    public string Location { get; }
}
