using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// The <c>optim_wrapper</c> section: mmengine's OptimWrapper (or AmpOptimWrapper) with its
/// optimizer, gradient clipping and accumulation, and how the model's parameters are grouped
/// (<c>constructor</c>, <c>paramwise_cfg</c>).
/// </summary>
/// <param name="Optimizer">The optimizer's config.</param>
/// <param name="ClipGrad">Gradient clipping (<c>clip_grad</c>); none when null.</param>
/// <param name="Amp">Mixed precision (type AmpOptimWrapper); null for full precision (type OptimWrapper).</param>
public sealed record OptimWrapperSettings(ComponentConfig<OptimizerBuilder> Optimizer, ClipGradSettings? ClipGrad = null, AmpSettings? Amp = null)
{
    /// <summary><c>accumulative_counts</c>: iterations whose gradients are summed (each loss divided by this) before one optimizer step.</summary>
    public int AccumulativeCounts { get; init; } = 1;

    /// <summary><c>constructor</c>: how parameters are grouped; a name of <see cref="OptimWrapperConstructor.TypeNames"/>.</summary>
    public string Constructor { get; init; } = DefaultOptimWrapperConstructor.TypeName;

    /// <summary><c>paramwise_cfg</c>: per-parameter learning rates and weight decays; null for none.</summary>
    public ParamwiseSettings? Paramwise { get; init; }

    /// <summary>The constructor that <see cref="Constructor"/> names, over <see cref="Paramwise"/>.</summary>
    /// <exception cref="ConfigValueException">The name is unknown or the settings do not suit it; the member is relative to <c>optim_wrapper</c>.</exception>
    public OptimWrapperConstructor BuildConstructor() => OptimWrapperConstructor.Create(Constructor, Paramwise);

    /// <summary>Wraps <paramref name="optimizer"/> (built over <paramref name="parameters"/>) with this section's clipping, accumulation and <paramref name="scaler"/>.</summary>
    public OptimWrapper Wrap(optim.Optimizer optimizer, IEnumerable<Parameter> parameters, GradScaler? scaler = null, IGradientReducer? reducer = null) =>
        new(optimizer, parameters, ClipGrad, scaler, reducer, AccumulativeCounts);
}
