using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>
/// A feature extractor: an image batch (N, C, H, W) in, the multi-scale feature maps of the
/// stages named by its <c>out_indices</c> out, shallowest first (a single output is a list of one).
/// </summary>
[ComponentKind("backbone")]
public abstract class Backbone : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected Backbone(string name)
        : base(name)
    {
        // Before the first model: malloc tuning and the convolution check (docs/reliability.md).
        Runtime.TorchRuntime.EnsureInitialized();
    }
}
