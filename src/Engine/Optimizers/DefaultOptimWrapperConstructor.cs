using ImageClassifier.Engine.Configuration;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// mmengine's <c>DefaultOptimWrapperConstructor</c>. A parameter whose name (mmengine writes it
/// <c>{module}.{parameter}</c>, so a parameter of the model itself is <c>.name</c>) contains a
/// custom key takes that key's <c>lr_mult</c> and <c>decay_mult</c> and no other rule. Otherwise a
/// bias outside norm layers takes <c>bias_lr_mult</c>, and the weight decay takes the first that
/// applies of <c>norm_decay_mult</c> (norm layers), <c>bias_decay_mult</c> (biases),
/// <c>dwconv_decay_mult</c> (depthwise convolutions) and <c>flat_decay_mult</c> (one-dimensional
/// parameters). Deformable convolutions' <c>dcn_offset_lr_mult</c> has no layer to act on here.
/// </summary>
public sealed class DefaultOptimWrapperConstructor : OptimWrapperConstructor
{
    /// <summary>The name <c>optim_wrapper.constructor</c> gives it (the default).</summary>
    public const string TypeName = "DefaultOptimWrapperConstructor";

    /// <summary>Creates the constructor over <paramref name="paramwise"/>.</summary>
    /// <exception cref="ConfigValueException">A multiplier is negative or not finite, or layer_decay_rate is set.</exception>
    public DefaultOptimWrapperConstructor(ParamwiseSettings? paramwise = null)
        : base(paramwise)
    {
        if (paramwise?.LayerDecayRate is { } rate)
        {
            throw new ConfigValueException("paramwise_cfg.layer_decay_rate", rate, $"left out unless optim_wrapper.constructor is \"{LearningRateDecayOptimWrapperConstructor.TypeName}\", the constructor that reads it");
        }
    }

    /// <inheritdoc />
    protected override (double LearningRate, double WeightDecay) Assign(ParameterSite site, double baseLr, double baseWd)
    {
        var paramwise = Paramwise!;
        if (CustomKeyFor($"{site.Prefix}.{site.Name}") is { } custom)
        {
            return (baseLr * (custom.LrMult ?? 1.0), baseWd * (custom.DecayMult ?? 1.0));
        }

        var isNorm = LayerKinds.IsNorm(site.Module);
        var isBias = site.Name == "bias";
        var learningRate = isBias && !isNorm && paramwise.BiasLrMult is { } biasLrMult ? baseLr * biasLrMult : baseLr;
        var decayMult = isNorm && paramwise.NormDecayMult is { } normDecayMult ? normDecayMult
            : isBias && paramwise.BiasDecayMult is { } biasDecayMult ? biasDecayMult
            : LayerKinds.IsDepthwiseConv(site.Module) && paramwise.DwconvDecayMult is { } dwconvDecayMult ? dwconvDecayMult
            : site.Parameter.dim() == 1 && paramwise.FlatDecayMult is { } flatDecayMult ? flatDecayMult
            : (double?)null;
        return (learningRate, decayMult is { } mult ? baseWd * mult : baseWd);
    }
}
