using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// An allow-listed global a pickle pushed with GLOBAL or STACK_GLOBAL. It is a name and a kind,
/// never a callable: REDUCE on it runs our own data-only reconstruction.
/// </summary>
internal sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, ScalarType? DType = null)
{
    public string FullName => $"{Module}.{Name}";
}
