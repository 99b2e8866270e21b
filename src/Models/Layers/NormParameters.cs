using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>Helpers for the parameters of norm layers, whatever their type.</summary>
public static class NormParameters
{
    /// <summary>Sets <c>requires_grad</c> on every parameter of <paramref name="layer"/>, as mmcv's <c>requires_grad</c> option does.</summary>
    public static void SetRequiresGrad(nn.Module layer, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(layer);
        foreach (var parameter in layer.parameters())
        {
            parameter.requires_grad = requiresGrad;
        }
    }

    /// <summary>
    /// Fills the layer's own <c>weight</c> with <paramref name="value"/> and its <c>bias</c> with 0,
    /// as mmengine's <c>constant_init(layer, value)</c> does.
    /// </summary>
    public static void ConstantInit(nn.Module layer, double value)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in layer.named_parameters(recurse: false))
        {
            if (name == "weight")
            {
                using var fill = value.ToScalar();
                parameter.fill_(fill);
            }
            else if (name == "bias")
            {
                parameter.zero_();
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="module"/> keeps running statistics that mmengine's <c>_BatchNorm</c>
    /// test covers (batch norms of every dimension; SyncBN builds one of these here).
    /// </summary>
    public static bool IsBatchNorm(nn.Module module) => module is BatchNorm or BatchNorm2d;
}
