using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>1 / (1 + exp(-x)); mmcv's <c>{"type": "Sigmoid"}</c>.</summary>
[RegisterModel("Sigmoid")]
public sealed class SigmoidActivation : ActivationBuilder
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.Sigmoid();
}
