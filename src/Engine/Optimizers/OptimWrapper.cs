using ImageClassifier.Engine.Amp;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// mmengine's OptimWrapper (and AmpOptimWrapper): the one way gradients reach the optimizer.
/// <see cref="UpdateParams"/> runs backward (on the scaled loss with a loss scaler), lets the
/// <see cref="IGradientReducer"/> combine gradients across replicas, unscales and clips them, and
/// steps; with a loss scaler a step whose gradients are not finite is skipped and the scale shrinks.
/// </summary>
public sealed class OptimWrapper
{
    private readonly IReadOnlyList<Parameter> parameters;

    /// <summary>Wraps <paramref name="optimizer"/> over <paramref name="parameters"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="parameters">The parameters it updates, in the model's order (clipping measures their norm).</param>
    /// <param name="clipGradMaxNorm">Clip the gradients' total norm to this (<c>clip_grad.max_norm</c>); null for no clipping.</param>
    /// <param name="clipGradNormType">The norm clipping measures (<c>clip_grad.norm_type</c>).</param>
    /// <param name="scaler">The loss scaler of mixed precision training, or null.</param>
    /// <param name="reducer">Combines gradients across replicas; null for a single process.</param>
    public OptimWrapper(
        optim.Optimizer optimizer,
        IEnumerable<Parameter> parameters,
        double? clipGradMaxNorm = null,
        double clipGradNormType = 2.0,
        GradScaler? scaler = null,
        IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        Optimizer = optimizer;
        this.parameters = [.. parameters];
        ClipGradMaxNorm = clipGradMaxNorm;
        ClipGradNormType = clipGradNormType;
        Scaler = scaler;
        Reducer = reducer;
    }

    /// <summary>The wrapped optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The gradient norm clipping limit, or null.</summary>
    public double? ClipGradMaxNorm { get; }

    /// <summary>The norm clipping measures.</summary>
    public double ClipGradNormType { get; }

    /// <summary>The loss scaler, or null.</summary>
    public GradScaler? Scaler { get; }

    /// <summary>The gradient reducer, or null.</summary>
    public IGradientReducer? Reducer { get; }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad() => Optimizer.zero_grad();

    /// <summary>Backward on <paramref name="loss"/>, then one optimizer step (skipped by a loss scaler when the gradients are not finite).</summary>
    /// <param name="loss">The total loss, a float32 scalar.</param>
    public void UpdateParams(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (Scaler is null)
        {
            loss.backward();
            Reducer?.Reduce(parameters);
            ClipGradients();
            Optimizer.step();
            return;
        }

        Scaler.ScaleLoss(loss).backward();
        Reducer?.Reduce(parameters);
        if (ClipGradMaxNorm is not null && Scaler.Unscale(Optimizer))
        {
            // Clip the true gradients, and only when they are finite: a step with non-finite ones is skipped anyway.
            ClipGradients();
        }

        Scaler.Step(Optimizer);
        Scaler.Update();
    }

    private void ClipGradients()
    {
        if (ClipGradMaxNorm is { } maxNorm)
        {
            nn.utils.clip_grad_norm_(parameters, maxNorm, ClipGradNormType);
        }
    }
}
