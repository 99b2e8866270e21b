namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// <c>optim_wrapper.paramwise_cfg</c>: per-parameter learning rates and weight decays, as mmengine's
/// <c>DefaultOptimWrapperConstructor</c> (and mmpretrain's <c>LearningRateDecayOptimWrapperConstructor</c>)
/// read them. Each multiplier applies to the optimizer's own <c>lr</c> or <c>weight_decay</c>; a
/// null one is not set. See <see cref="Optimizers.OptimWrapperConstructor"/> for which rule wins.
/// </summary>
public sealed record ParamwiseSettings
{
    /// <summary><c>bias_lr_mult</c>: the learning rate of biases outside norm layers.</summary>
    public double? BiasLrMult { get; init; }

    /// <summary><c>bias_decay_mult</c>: the weight decay of biases (a norm layer's too, unless <see cref="NormDecayMult"/> is set).</summary>
    public double? BiasDecayMult { get; init; }

    /// <summary><c>norm_decay_mult</c>: the weight decay of the weights and biases of norm layers.</summary>
    public double? NormDecayMult { get; init; }

    /// <summary><c>dwconv_decay_mult</c>: the weight decay of depthwise convolutions (their bias's only without <see cref="BiasDecayMult"/>).</summary>
    public double? DwconvDecayMult { get; init; }

    /// <summary><c>flat_decay_mult</c>: the weight decay of one-dimensional parameters that no rule above covers.</summary>
    public double? FlatDecayMult { get; init; }

    /// <summary><c>custom_keys</c>: settings by name; the longest key contained in a name wins (alphabetical among equals) and overrides the rules above.</summary>
    public IReadOnlyList<CustomKeySettings> CustomKeys { get; init; } = [];

    /// <summary><c>bypass_duplicate</c>: skip a parameter shared by two modules after its first place, rather than refusing it.</summary>
    public bool BypassDuplicate { get; init; }

    /// <summary><c>layer_decay_rate</c> (LearningRateDecayOptimWrapperConstructor only): each layer's learning rate is the rate to the power of its distance from the last layer.</summary>
    public double? LayerDecayRate { get; init; }
}
