using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>x * Phi(x), the Gaussian error linear unit; mmcv's <c>{"type": "GELU"}</c>.</summary>
[RegisterModel("GELU")]
public sealed class GeluActivation : ActivationBuilder
{
    private readonly GELU.Approximate approximate;

    /// <param name="approximate">"none" computes Phi exactly (PyTorch's default); "tanh" uses the tanh approximation.</param>
    public GeluActivation([OneOf("none", "tanh")] string approximate = "none")
    {
        this.approximate = approximate switch
        {
            "none" => GELU.Approximate.none,
            "tanh" => GELU.Approximate.tanh,
            _ => throw new ConfigValueException("approximate", approximate, "one of \"none\", \"tanh\""),
        };
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create() => nn.GELU(approximate);
}
