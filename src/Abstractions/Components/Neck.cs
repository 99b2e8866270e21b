using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>Joins backbone and head: a list of feature maps in, a list of features out.</summary>
[ComponentKind("neck")]
public abstract class Neck : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected Neck(string name)
        : base(name)
    {
        // Before the first model: malloc tuning and the convolution check (docs/reliability.md).
        Runtime.TorchRuntime.EnsureInitialized();
    }
}
