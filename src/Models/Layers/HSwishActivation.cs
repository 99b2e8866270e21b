using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>x * relu6(x + 3) / 6, the hard swish of MobileNetV3; mmcv's <c>{"type": "HSwish"}</c>.</summary>
[RegisterModel("HSwish")]
public sealed class HSwishActivation : ActivationBuilder
{
    private readonly bool inplace;

    /// <param name="inplace">Overwrite the input instead of allocating the output; the values are the same.</param>
    public HSwishActivation(bool inplace = false)
    {
        this.inplace = inplace;
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.Hardswish(inplace);
}
