using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;

namespace Binding.TestComponents.Networks;

/// <summary>
/// A whole model, images (N, C, H, W) in and class scores (N, num_classes) out: the kind of the
/// "model" section in the binding tests, standing in for the zoo's classifier kind.
/// </summary>
[ComponentKind("network")]
public abstract class Network : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected Network(string name)
        : base(name)
    {
    }
}
