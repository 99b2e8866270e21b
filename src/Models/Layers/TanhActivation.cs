using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>The hyperbolic tangent; mmcv's <c>{"type": "Tanh"}</c>.</summary>
[RegisterModel("Tanh")]
public sealed class TanhActivation : ActivationBuilder
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.Tanh();
}
