using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>max(0, x), mmcv's <c>{"type": "ReLU"}</c>.</summary>
[RegisterModel("ReLU")]
public sealed class ReLUActivation : ActivationBuilder
{
    private readonly bool inplace;

    /// <param name="inplace">Overwrite the input instead of allocating the output; the values are the same.</param>
    public ReLUActivation(bool inplace = false)
    {
        this.inplace = inplace;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.ReLU(inplace);
}
