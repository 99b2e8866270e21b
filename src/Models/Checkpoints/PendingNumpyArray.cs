namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A <c>numpy.ndarray</c> being unpickled: <c>_reconstruct</c> makes it empty and BUILD supplies
/// shape, dtype, memory order and raw bytes. It becomes a tensor after the pickle is accepted.
/// </summary>
internal sealed class PendingNumpyArray
{
    public long[] Shape { get; set; } = [0];

    public NumpyDtype? Dtype { get; set; }

    public bool FortranOrder { get; set; }

    public byte[]? Data { get; set; }
}
