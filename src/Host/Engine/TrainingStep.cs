using ImageClassifier.Hosting.Engine.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Engine;

/// <summary>
/// One optimisation step as the runner takes it: the model's preprocessing, its losses summed as
/// mmengine's parse_losses does, the finite-loss check, backward, optional gradient clipping and
/// the optimizer's step, in one dispose scope. Public so that benchmarks time exactly this.
/// </summary>
public static class TrainingStep
{
    /// <summary>Runs the step on a batch already on the model's device; returns every loss term and the total as "loss".</summary>
    /// <param name="config">The run's config; its optim_wrapper says whether gradients are clipped.</param>
    /// <param name="model">The classifier, in training mode.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="inputs">The batch's images (N, C, H, W).</param>
    /// <param name="targets">The batch's class indices (N).</param>
    /// <param name="onNonFiniteLoss">Builds the exception thrown, before the weights change, when the total loss is NaN or infinite.</param>
    public static Dictionary<string, double> Run(
        EngineConfig config,
        Classifier model,
        optim.Optimizer optimizer,
        Tensor inputs,
        Tensor targets,
        Func<float, Exception> onNonFiniteLoss)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(onNonFiniteLoss);
        using var scope = torch.NewDisposeScope();
        var (preprocessed, processedTargets) = model.Preprocess(inputs, targets, training: true);
        var losses = model.Loss(preprocessed, processedTargets!);
        Tensor? total = null;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in losses)
        {
            // mmengine's parse_losses: every entry whose name contains "loss" is summed.
            if (!name.Contains("loss", StringComparison.Ordinal))
            {
                continue;
            }

            var term = value.numel() == 1 ? value.reshape([]) : value.mean();
            total = total is null ? term : total + term;
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
        optimizer.zero_grad();
        total.backward();
        if (config.OptimWrapper!.ClipGradMaxNorm is { } maxNorm)
        {
            nn.utils.clip_grad_norm_(model.parameters(), maxNorm, config.OptimWrapper.ClipGradNormType);
        }

        optimizer.step();
        return values;
    }
}
