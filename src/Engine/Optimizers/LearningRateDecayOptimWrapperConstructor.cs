using ImageClassifier.Engine.Configuration;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// mmpretrain's <c>LearningRateDecayOptimWrapperConstructor</c>: layer-wise learning-rate decay.
/// The model numbers its layers (<see cref="ILayerDepth"/>, mmpretrain's <c>get_layer_depth</c>:
/// the stem 0, the head last), and a parameter in layer i of n learns at lr * layer_decay_rate^(n - i - 1).
/// The weight decay takes a custom key's <c>decay_mult</c> (the longest key contained in the
/// parameter's name), else the first that applies of <c>norm_decay_mult</c>, <c>bias_decay_mult</c>
/// and <c>flat_decay_mult</c>. mmpretrain ignores <c>lr_mult</c>, <c>bias_lr_mult</c>,
/// <c>dwconv_decay_mult</c> and <c>bypass_duplicate</c> here; they are refused instead of ignored.
/// </summary>
public sealed class LearningRateDecayOptimWrapperConstructor : OptimWrapperConstructor
{
    /// <summary>The name <c>optim_wrapper.constructor</c> gives it.</summary>
    public const string TypeName = "LearningRateDecayOptimWrapperConstructor";

    private const string Ignored = $"left out: {TypeName} sets learning rates by layer depth only and does not read it";

    private readonly double decayRate;

    /// <summary>Creates the constructor over <paramref name="paramwise"/>.</summary>
    /// <exception cref="ConfigValueException">A setting is one this constructor does not read, or a value is out of range.</exception>
    public LearningRateDecayOptimWrapperConstructor(ParamwiseSettings? paramwise = null)
        : base(paramwise)
    {
        if (paramwise is null)
        {
            return;
        }

        if (paramwise.BiasLrMult is { } biasLrMult)
        {
            throw new ConfigValueException("paramwise_cfg.bias_lr_mult", biasLrMult, Ignored);
        }

        if (paramwise.DwconvDecayMult is { } dwconvDecayMult)
        {
            throw new ConfigValueException("paramwise_cfg.dwconv_decay_mult", dwconvDecayMult, Ignored);
        }

        if (paramwise.BypassDuplicate)
        {
            throw new ConfigValueException("paramwise_cfg.bypass_duplicate", true, Ignored);
        }

        if (paramwise.CustomKeys.FirstOrDefault(custom => custom.LrMult is not null) is { } withLrMult)
        {
            throw new ConfigValueException(CustomKeyMember(withLrMult.Key, "lr_mult"), withLrMult.LrMult, Ignored);
        }

        decayRate = paramwise.LayerDecayRate ?? 1.0;
        if (!(decayRate > 0) || !double.IsFinite(decayRate))
        {
            throw new ConfigValueException("paramwise_cfg.layer_decay_rate", decayRate, "a finite number > 0");
        }
    }

    /// <inheritdoc />
    protected override (double LearningRate, double WeightDecay) Assign(ParameterSite site, double baseLr, double baseWd)
    {
        var paramwise = Paramwise!;
        var name = site.FullName;
        var decayMult = CustomKeyFor(name) is { } custom ? custom.DecayMult ?? 1.0
            : LayerKinds.IsNorm(site.Module) && paramwise.NormDecayMult is { } normDecayMult ? normDecayMult
            : site.Name == "bias" && paramwise.BiasDecayMult is { } biasDecayMult ? biasDecayMult
            : site.Parameter.dim() == 1 && paramwise.FlatDecayMult is { } flatDecayMult ? flatDecayMult
            : 1.0;
        var (layerId, layerCount) = LayerDepth(site.Model, name);
        return (baseLr * Math.Pow(decayRate, layerCount - layerId - 1), baseWd * decayMult);
    }

    private static (int LayerId, int LayerCount) LayerDepth(TorchSharp.torch.nn.Module model, string name)
    {
        if (model is not ILayerDepth depths)
        {
            throw new ConfigValueException("constructor", TypeName, $"used with a model that numbers its layers (mmpretrain's get_layer_depth), which {model.GetType().Name} does not");
        }

        try
        {
            return depths.GetLayerDepth(name, string.Empty);
        }
        catch (NotSupportedException refusal)
        {
            throw new ConfigValueException("constructor", TypeName, $"used with a model that numbers its layers: {refusal.Message}");
        }
    }
}
