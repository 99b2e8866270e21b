using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Amp;

/// <summary>
/// Loss scaling for float16 training, as PyTorch's <c>torch.amp.GradScaler</c> does it: the loss is
/// multiplied by <see cref="Scale"/> before backward so that small gradients do not flush to zero
/// in float16, the gradients are divided by it again before clipping and the optimizer's step, and
/// a step whose gradients hold an infinity or NaN is skipped. A dynamic scaler halves the scale
/// (<see cref="BackoffFactor"/>) after such a step and doubles it (<see cref="GrowthFactor"/>)
/// after <see cref="GrowthInterval"/> steps in a row without one; a static scaler keeps its scale.
/// </summary>
/// <remarks>
/// Each iteration: <c>Scale(loss).backward()</c>, optionally <see cref="Unscale(optim.Optimizer)"/> (before
/// clipping), <see cref="Step"/>, <see cref="Update"/>. The scale is held as a float32 value, as
/// PyTorch holds it, so it grows and shrinks in the same steps. Not needed for bfloat16, whose
/// range is float32's.
/// </remarks>
public sealed class GradScaler
{
    /// <summary>PyTorch's initial scale, 2^16.</summary>
    public const double DefaultInitScale = 65536.0;

    /// <summary>PyTorch's growth factor.</summary>
    public const double DefaultGrowthFactor = 2.0;

    /// <summary>PyTorch's backoff factor.</summary>
    public const double DefaultBackoffFactor = 0.5;

    /// <summary>PyTorch's growth interval.</summary>
    public const int DefaultGrowthInterval = 2000;

    private bool? foundInf;
    private bool unscaled;

    /// <summary>Creates a scaler.</summary>
    /// <param name="initScale">The first scale; positive.</param>
    /// <param name="growthFactor">What the scale is multiplied by after <paramref name="growthInterval"/> good steps in a row; above 1.</param>
    /// <param name="backoffFactor">What the scale is multiplied by after a step with non-finite gradients; between 0 and 1.</param>
    /// <param name="growthInterval">Good steps in a row before the scale grows; at least 1.</param>
    /// <param name="dynamic">False keeps the scale at <paramref name="initScale"/> (steps with non-finite gradients are still skipped).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public GradScaler(
        double initScale = DefaultInitScale,
        double growthFactor = DefaultGrowthFactor,
        double backoffFactor = DefaultBackoffFactor,
        int growthInterval = DefaultGrowthInterval,
        bool dynamic = true)
    {
        if (!(initScale > 0) || !double.IsFinite(initScale) || !float.IsFinite((float)initScale) || (float)initScale == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initScale), initScale, "The scale must be a positive number that float32 holds.");
        }

        if (!(growthFactor > 1) || !double.IsFinite(growthFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "The growth factor must be greater than 1.");
        }

        if (!(backoffFactor > 0 && backoffFactor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "The backoff factor must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(growthInterval, 1);
        Scale = (float)initScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
        Dynamic = dynamic;
    }

    /// <summary>The current scale.</summary>
    public double Scale { get; private set; }

    /// <summary>The growth factor.</summary>
    public double GrowthFactor { get; }

    /// <summary>The backoff factor.</summary>
    public double BackoffFactor { get; }

    /// <summary>Good steps in a row before the scale grows.</summary>
    public int GrowthInterval { get; }

    /// <summary>Whether the scale changes (false: a static loss scale).</summary>
    public bool Dynamic { get; }

    /// <summary>Good steps since the scale last changed (PyTorch's <c>_growth_tracker</c>).</summary>
    public int GrowthTracker { get; private set; }

    /// <summary>Steps skipped because of non-finite gradients, over this scaler's life (not saved).</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Whether the gradients of the current iteration held an infinity or NaN; null before <see cref="Unscale(optim.Optimizer)"/> or <see cref="Step"/>.</summary>
    public bool? FoundInf => foundInf;

    /// <summary>The loss times the scale, to call backward on.</summary>
    public Tensor ScaleLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        using var scale = Scale.ToScalar();
        return loss.mul(scale);
    }

    /// <summary>
    /// Divides the gradients of <paramref name="optimizer"/>'s parameters by the scale, in place,
    /// and records whether any is infinite or NaN. Call it before clipping; <see cref="Step"/>
    /// calls it when it has not been called.
    /// </summary>
    /// <returns>True when every gradient is finite.</returns>
    /// <exception cref="InvalidOperationException">Called twice before <see cref="Update"/>.</exception>
    public bool Unscale(optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Unscale(optimizer.parameters());
    }

    /// <summary>As <see cref="Unscale(optim.Optimizer)"/>, for the gradients of <paramref name="parameters"/>.</summary>
    /// <returns>True when every gradient is finite.</returns>
    /// <exception cref="InvalidOperationException">Called twice before <see cref="Update"/>.</exception>
    public bool Unscale(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (unscaled)
        {
            throw new InvalidOperationException("The gradients were already unscaled in this iteration; call Update() after the step.");
        }

        using var scope = torch.NewDisposeScope();
        var inverse = (double)(float)(1.0 / Scale);
        using var inverseScalar = inverse.ToScalar();
        Tensor? allFinite = null;
        foreach (var parameter in parameters)
        {
            if (parameter.grad is not { } grad)
            {
                continue;
            }

            grad.mul_(inverseScalar);
            var finite = grad.isfinite().all();
            allFinite = allFinite is null ? finite : allFinite.logical_and_(finite);
        }

        // One device-to-host copy for all the parameters.
        foundInf = allFinite is not null && !allFinite.cpu().item<bool>();
        unscaled = true;
        return foundInf == false;
    }

    /// <summary>
    /// Unscales the gradients unless <see cref="Unscale(optim.Optimizer)"/> already did, then takes
    /// the optimizer's step when every gradient is finite.
    /// </summary>
    /// <returns>Whether the step was taken (false: skipped for non-finite gradients).</returns>
    public bool Step(optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!unscaled)
        {
            Unscale(optimizer);
        }

        if (foundInf == true)
        {
            SkippedSteps++;
            return false;
        }

        optimizer.step();
        return true;
    }

    /// <summary>Adjusts the scale for the next iteration (a dynamic scaler only) and ends the iteration.</summary>
    /// <exception cref="InvalidOperationException">Neither <see cref="Unscale(optim.Optimizer)"/> nor <see cref="Step"/> ran in this iteration.</exception>
    public void Update()
    {
        if (foundInf is not { } inf)
        {
            throw new InvalidOperationException("No gradients were checked in this iteration: call Step (or Unscale) before Update.");
        }

        if (Dynamic)
        {
            if (inf)
            {
                Scale = (float)(Scale * BackoffFactor);
                GrowthTracker = 0;
            }
            else if (GrowthTracker + 1 >= GrowthInterval)
            {
                var grown = (float)(Scale * GrowthFactor);
                if (float.IsFinite(grown))
                {
                    Scale = grown;
                }

                GrowthTracker = 0;
            }
            else
            {
                GrowthTracker++;
            }
        }

        foundInf = null;
        unscaled = false;
    }

    /// <summary>The state to save, with PyTorch's GradScaler.state_dict keys.</summary>
    public Dictionary<string, object?> StateDict() => new(StringComparer.Ordinal)
    {
        ["scale"] = Scale,
        ["growth_factor"] = GrowthFactor,
        ["backoff_factor"] = BackoffFactor,
        ["growth_interval"] = (long)GrowthInterval,
        ["_growth_tracker"] = (long)GrowthTracker,
        ["dynamic"] = Dynamic,
    };

    /// <summary>
    /// Restores the scale and the growth tracker of a dynamic scaler from <paramref name="state"/>;
    /// the factors and the interval stay as this scaler was made (the config's). A static scaler
    /// keeps its own scale.
    /// </summary>
    /// <exception cref="InvalidDataException">The state lacks the scale or the growth tracker, or holds unusable values.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!Dynamic)
        {
            return;
        }

        var scale = state.GetValueOrDefault("scale") is { } scaleValue and (double or float or long or int)
            ? Convert.ToDouble(scaleValue, CultureInfo.InvariantCulture)
            : throw new InvalidDataException("The loss scaler state has no numeric 'scale'.");
        var tracker = state.GetValueOrDefault("_growth_tracker") is { } trackerValue and (long or int)
            ? Convert.ToInt64(trackerValue, CultureInfo.InvariantCulture)
            : throw new InvalidDataException("The loss scaler state has no integer '_growth_tracker'.");
        if (!(scale > 0) || !float.IsFinite((float)scale) || tracker < 0)
        {
            throw new InvalidDataException($"The loss scaler state is unusable: scale {scale.ToString(CultureInfo.InvariantCulture)}, growth tracker {tracker}.");
        }

        Scale = (float)scale;
        GrowthTracker = (int)Math.Min(tracker, GrowthInterval - 1);
        foundInf = null;
        unscaled = false;
    }
}
