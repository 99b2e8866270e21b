using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>min(max(0, x), 6), mmcv's <c>{"type": "ReLU6"}</c> (MobileNetV2's activation).</summary>
[RegisterModel("ReLU6")]
public sealed class ReLU6Activation : ActivationBuilder
{
    private readonly bool inplace;

    /// <param name="inplace">Overwrite the input instead of allocating the output; the values are the same.</param>
    public ReLU6Activation(bool inplace = false)
    {
        this.inplace = inplace;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.ReLU6(inplace);
}
