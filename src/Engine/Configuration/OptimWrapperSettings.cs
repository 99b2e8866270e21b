using ImageClassifier.Engine.Amp;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;
using ImageClassifier.Engine.Optimizers;

namespace ImageClassifier.Engine.Configuration;

/// <summary>The <c>optim_wrapper</c> section: mmengine's OptimWrapper (or AmpOptimWrapper) with its optimizer and optional gradient clipping.</summary>
/// <param name="Optimizer">The optimizer's config.</param>
/// <param name="ClipGradMaxNorm">Clip the gradients' total norm to this (clip_grad.max_norm); no clipping when null.</param>
/// <param name="ClipGradNormType">The norm of clip_grad (2 by default).</param>
/// <param name="Amp">Mixed precision (type AmpOptimWrapper); null for full precision (type OptimWrapper).</param>
public sealed record OptimWrapperSettings(ComponentConfig<OptimizerBuilder> Optimizer, double? ClipGradMaxNorm = null, double ClipGradNormType = 2.0, AmpSettings? Amp = null)
{
    /// <summary>Wraps <paramref name="optimizer"/> (built from <see cref="Optimizer"/>) with this section's clipping and <paramref name="scaler"/>.</summary>
    public OptimWrapper Wrap(optim.Optimizer optimizer, IEnumerable<Parameter> parameters, GradScaler? scaler = null, IGradientReducer? reducer = null) =>
        new(optimizer, parameters, ClipGradMaxNorm, ClipGradNormType, scaler, reducer);
}
