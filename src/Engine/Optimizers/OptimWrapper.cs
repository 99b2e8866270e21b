using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// mmengine's OptimWrapper (and AmpOptimWrapper): the one way gradients reach the optimizer.
/// <see cref="UpdateParams"/> runs backward (on the scaled loss with a loss scaler) and, on the
/// iterations that step, lets the <see cref="IGradientReducer"/> combine gradients across
/// replicas, unscales and clips them, and steps; with a loss scaler a step whose gradients are not
/// finite is skipped and the scale shrinks.
/// </summary>
/// <remarks>
/// Gradient accumulation is mmengine's: with <c>accumulative_counts</c> N each loss is divided by N
/// and the optimizer steps every N-th iteration of the run. After <see cref="InitializeCountStatus"/>
/// (the runner calls it with the iteration it starts from and the run's length) the run's last
/// iteration steps too, and the losses of its last (length mod N) iterations are divided by that
/// remainder instead. Iterations count across epochs, as in mmengine: an epoch whose length is not a
/// multiple of N carries its tail into the next.
/// </remarks>
public sealed class OptimWrapper
{
    private readonly IReadOnlyList<Parameter> parameters;
    private int maxCounts = -1;
    private int remainderCounts = -1;

    /// <summary>Wraps <paramref name="optimizer"/> over <paramref name="parameters"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="parameters">The parameters it updates, in the model's order (clipping measures their gradients).</param>
    /// <param name="clipGrad">The gradient clipping (<c>clip_grad</c>), or null for none.</param>
    /// <param name="scaler">The loss scaler of mixed precision training, or null.</param>
    /// <param name="reducer">Combines gradients across replicas; null for a single process.</param>
    /// <param name="accumulativeCounts">Iterations per optimizer step (<c>accumulative_counts</c>).</param>
    public OptimWrapper(
        optim.Optimizer optimizer,
        IEnumerable<Parameter> parameters,
        ClipGradSettings? clipGrad = null,
        GradScaler? scaler = null,
        IGradientReducer? reducer = null,
        int accumulativeCounts = 1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(accumulativeCounts, 1);
        if (clipGrad is not null && (clipGrad.MaxNorm is null) == (clipGrad.ClipValue is null))
        {
            throw new ArgumentException("Clipping needs exactly one of max_norm (by norm) and clip_value (by value).", nameof(clipGrad));
        }

        Optimizer = optimizer;
        this.parameters = [.. parameters];
        ClipGrad = clipGrad;
        Scaler = scaler;
        Reducer = reducer;
        AccumulativeCounts = accumulativeCounts;
    }

    /// <summary>The wrapped optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The gradient clipping, or null.</summary>
    public ClipGradSettings? ClipGrad { get; }

    /// <summary>The loss scaler, or null.</summary>
    public GradScaler? Scaler { get; }

    /// <summary>The gradient reducer, or null.</summary>
    public IGradientReducer? Reducer { get; }

    /// <summary>Iterations per optimizer step.</summary>
    public int AccumulativeCounts { get; }

    /// <summary>The iterations (backward passes) counted so far, from the count <see cref="InitializeCountStatus"/> set.</summary>
    public int InnerCount { get; private set; }

    /// <summary>
    /// Starts counting at <paramref name="initCounts"/> (the iteration the run starts from) in a run
    /// of <paramref name="maxCounts"/> iterations, as mmengine's <c>initialize_count_status</c>.
    /// </summary>
    /// <returns>mmengine's warnings: a resumed iteration in the middle of an accumulation (the gradients of its first part are lost), and accumulation over batch norm.</returns>
    public IReadOnlyList<string> InitializeCountStatus(nn.Module model, int initCounts, int maxCounts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(initCounts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCounts, initCounts);
        InnerCount = initCounts;
        this.maxCounts = maxCounts;
        remainderCounts = maxCounts % AccumulativeCounts;
        var warnings = new List<string>();
        if (initCounts % AccumulativeCounts != 0)
        {
            warnings.Add($"resuming at iteration {initCounts}, which is not a multiple of accumulative_counts ({AccumulativeCounts}): the gradients accumulated before the checkpoint are lost, so the next step sums fewer iterations.");
        }

        if (AccumulativeCounts > 1 && model.modules().Prepend(model).Any(LayerKinds.IsBatchNorm))
        {
            warnings.Add("gradient accumulation with batch norm layers: they normalise each small batch on its own, which may slightly lower accuracy compared with one large batch.");
        }

        return warnings;
    }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad() => Optimizer.zero_grad();

    /// <summary>
    /// Backward on <paramref name="loss"/> (divided for accumulation; the gradients are cleared
    /// first when it starts an accumulation); on an iteration that steps, one optimizer step
    /// (skipped by a loss scaler when the gradients are not finite).
    /// </summary>
    /// <param name="loss">The total loss, a float32 scalar.</param>
    /// <returns>Whether the optimizer was asked to step (a loss scaler may still skip it).</returns>
    /// <exception cref="InvalidOperationException">clip_grad.error_if_nonfinite is set and the gradients' total norm is not finite.</exception>
    public bool UpdateParams(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);

        // mmengine clears right after the step; clearing before the next accumulation's first
        // backward sums the same gradients and leaves the stepped ones readable until then.
        if (InnerCount % AccumulativeCounts == 0)
        {
            ZeroGrad();
        }

        var scaled = ScaleLossForAccumulation(loss);
        (Scaler is null ? scaled : Scaler.ScaleLoss(scaled)).backward();

        InnerCount++;
        if (!ShouldUpdate())
        {
            return false;
        }

        Reducer?.Reduce(parameters);
        if (Scaler is null)
        {
            ClipGradients();
            Optimizer.step();
        }
        else
        {
            // Clip the true gradients, and only when they are finite: a step with non-finite ones is skipped anyway.
            if (ClipGrad is not null && Scaler.Unscale(Optimizer))
            {
                ClipGradients();
            }

            Scaler.Step(Optimizer);
            Scaler.Update();
        }

        return true;
    }

    // mmengine's scale_loss: the whole count, or the remainder in the run's unfinished last accumulation.
    private Tensor ScaleLossForAccumulation(Tensor loss)
    {
        var factor = AccumulativeCounts == 1 ? 1
            : maxCounts < 0 || InnerCount < maxCounts - remainderCounts ? AccumulativeCounts
            : remainderCounts;
        if (factor == 1)
        {
            return loss;
        }

        using var divisor = ((double)factor).ToScalar();
        return loss.div(divisor);
    }

    private bool ShouldUpdate() => InnerCount % AccumulativeCounts == 0 || InnerCount == maxCounts;

    private void ClipGradients()
    {
        if (ClipGrad?.ClipValue is { } clipValue)
        {
            nn.utils.clip_grad_value_(parameters, clipValue);
        }
        else if (ClipGrad?.MaxNorm is { } maxNorm)
        {
            var totalNorm = nn.utils.clip_grad_norm_(parameters, maxNorm, ClipGrad.NormType);
            if (ClipGrad.ErrorIfNonfinite && !double.IsFinite(totalNorm))
            {
                throw new InvalidOperationException($"The gradients' total {ClipGrad.NormType}-norm is {totalNorm}, so they cannot be clipped (clip_grad.error_if_nonfinite is true).");
            }
        }
    }
}
