using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>x * sigmoid(x); mmcv's <c>{"type": "SiLU"}</c>, and its <c>{"type": "Swish"}</c>, which computes the same.</summary>
[RegisterModel("SiLU", Aliases = ["Swish"])]
public sealed class SiLUActivation : ActivationBuilder
{
    private readonly bool inplace;

    /// <param name="inplace">Overwrite the input instead of allocating the output; the values are the same.</param>
    public SiLUActivation(bool inplace = false)
    {
        this.inplace = inplace;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.SiLU(inplace);
}
