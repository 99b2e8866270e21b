using ImageClassifier.Hosting.Engine.Optimizers;

namespace ImageClassifier.Hosting.Engine.Configuration;

/// <summary>The <c>optim_wrapper</c> section: mmengine's OptimWrapper (or AmpOptimWrapper) with its optimizer and optional gradient clipping.</summary>
/// <param name="Optimizer">The optimizer's config.</param>
/// <param name="ClipGradMaxNorm">Clip the gradients' total norm to this (clip_grad.max_norm); no clipping when null.</param>
/// <param name="ClipGradNormType">The norm of clip_grad (2 by default).</param>
/// <param name="Amp">Mixed precision (type AmpOptimWrapper); null for full precision (type OptimWrapper).</param>
public sealed record OptimWrapperSettings(ComponentConfig<OptimizerBuilder> Optimizer, double? ClipGradMaxNorm, double ClipGradNormType, AmpSettings? Amp = null);
