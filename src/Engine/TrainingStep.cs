using ImageClassifier.Engine.Amp;
using ImageClassifier.Engine.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine;

/// <summary>
/// One optimisation step as the runner takes it: the model's preprocessing, its losses summed as
/// mmengine's parse_losses does, the finite-loss check, backward, and (on the iterations that
/// step when gradients accumulate) optional gradient clipping and the optimizer's step, in one
/// dispose scope. The returned losses are the model's, before the division
/// that accumulation applies. With mixed precision (mmengine's AmpOptimWrapper)
/// the preprocessing, forward pass and loss run under autocast, and with a loss scaler backward
/// runs on the scaled loss, the gradients are unscaled before clipping, and a step whose gradients
/// are not finite is skipped (the scale then shrinks). Public so that benchmarks time exactly this.
/// </summary>
public static class TrainingStep
{
    /// <summary>The name of the loss scale in the returned values (present when a loss scaler is used).</summary>
    public const string LossScaleKey = "loss_scale";

    /// <summary>Runs the step on a batch already on the model's device; returns every loss term and the total as "loss".</summary>
    /// <param name="optimWrapper">The optimizer, with its clipping, loss scaler and gradient reducer.</param>
    /// <param name="model">The classifier, in training mode.</param>
    /// <param name="inputs">The batch's images (N, C, H, W).</param>
    /// <param name="targets">The batch's class indices (N).</param>
    /// <param name="onNonFiniteLoss">Builds the exception thrown, before the weights change, when the total loss is NaN or infinite.</param>
    /// <param name="amp">
    /// The run's mixed precision (<see cref="AmpContext.Create"/>), for autocast; null for full
    /// precision. The wrapper's loss scaler, when it has one, is updated in the step, and the scale
    /// it leaves is returned as <see cref="LossScaleKey"/>. A step skipped for non-finite gradients is not an error.
    /// </param>
    public static Dictionary<string, double> Run(
        OptimWrapper optimWrapper,
        Classifier model,
        Tensor inputs,
        Tensor targets,
        Func<float, Exception> onNonFiniteLoss,
        AmpContext? amp = null)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        Run(values, optimWrapper, model, inputs, targets, onNonFiniteLoss, amp);
        return values;
    }

    // The runner's form: the losses go into one dictionary it reuses for every step (cleared first).
    internal static void Run(
        Dictionary<string, double> values,
        OptimWrapper optimWrapper,
        Classifier model,
        Tensor inputs,
        Tensor targets,
        Func<float, Exception> onNonFiniteLoss,
        AmpContext? amp = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(optimWrapper);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(onNonFiniteLoss);
        using var scope = torch.NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> losses;

        // Autocast covers what mmengine's optim_context covers: preprocessing, forward and loss.
        // It is closed before backward, on this thread (autocast state is thread-local).
        using (amp?.Enter())
        {
            var (preprocessed, processedTargets) = model.Preprocess(inputs, targets, training: true);
            losses = model.Loss(preprocessed, processedTargets!);
        }

        Tensor? total = null;
        values.Clear();
        foreach (var (name, value) in losses)
        {
            // mmengine's parse_losses: every entry whose name contains "loss" is summed.
            if (!name.Contains("loss", StringComparison.Ordinal))
            {
                continue;
            }

            // A scalar already is one: reshaping it would make a tensor per step for nothing.
            var term = value.dim() == 0 ? value : value.numel() == 1 ? value.reshape([]) : value.mean();
            if (term.dtype != ScalarType.Float32)
            {
                // Under autocast a loss may come out in float16 or bfloat16: sum and scale in float32.
                term = term.to_type(ScalarType.Float32);
            }

            total = total is null ? term : total.add(term, ScalarConstants.One);
            values[name] = term.item<float>();
        }

        if (total is null)
        {
            throw new InvalidOperationException($"The model's Loss returned no entry whose name contains \"loss\" (it returned {string.Join(", ", losses.Keys)}), so there is nothing to minimise.");
        }

        var loss = total.item<float>();
        if (!float.IsFinite(loss))
        {
            throw onNonFiniteLoss(loss);
        }

        values["loss"] = loss;
        optimWrapper.UpdateParams(total);
        if (optimWrapper.Scaler is { } scaler)
        {
            values[LossScaleKey] = scaler.Scale;
        }
    }
}
