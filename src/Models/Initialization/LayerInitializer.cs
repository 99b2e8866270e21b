using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// An initializer that fills the <c>weight</c> and <c>bias</c> of every module in a subtree whose
/// type matches <see cref="Layer"/> (mmengine's <c>BaseInit</c>). As in mmengine, an empty
/// <c>layer</c> matches nothing: name the layer types to initialise.
/// </summary>
public abstract class LayerInitializer : Initializer
{
    /// <summary>Checks and keeps the arguments every layer initializer has.</summary>
    /// <param name="bias">The value biases are filled with.</param>
    /// <param name="biasProb">When set, biases get -log((1 - p) / p) instead of <paramref name="bias"/>, so a sigmoid starts at p.</param>
    /// <param name="layer">The module type names to initialise (see <see cref="LayerTypeNames"/>).</param>
    protected LayerInitializer(double bias, double? biasProb, string[]? layer)
    {
        if (biasProb is { } probability && !(probability > 0 && probability < 1))
        {
            throw new ConfigValueException("bias_prob", probability, "between 0 and 1, exclusive");
        }

        Bias = biasProb is { } prior ? -Math.Log((1 - prior) / prior) : bias;
        Layer = layer ?? [];
    }

    /// <summary>The value biases are filled with.</summary>
    public double Bias { get; }

    /// <summary>The module type names this initializer fills.</summary>
    public IReadOnlyList<string> Layer { get; }

    /// <summary>Initialises <paramref name="module"/> and each of its descendants whose type <see cref="Matches"/>.</summary>
    public override void Apply(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = torch.no_grad();
        foreach (var target in module.modules().Prepend(module))
        {
            if (Matches(target))
            {
                Fill(target);
            }
        }
    }

    /// <summary>True when <paramref name="module"/>'s type is one of <see cref="Layer"/>.</summary>
    public bool Matches(nn.Module module) => LayerTypeNames.Matches(module, Layer);

    /// <summary>Fills a matched module's weight tensor.</summary>
    protected abstract void FillWeight(Tensor weight);

    private void Fill(nn.Module target)
    {
        foreach (var (name, parameter) in target.named_parameters(recurse: false))
        {
            if (name == "weight")
            {
                FillWeight(parameter);
            }
            else if (name == "bias")
            {
                using var bias = Bias.ToScalar();
                parameter.fill_(bias);
            }
        }
    }
}
