using ImageClassifier.Engine.Amp;

namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// <c>optim_wrapper.loss_scale</c>: <c>"dynamic"</c> (PyTorch's GradScaler defaults), a number (a
/// static scale) or an object of GradScaler's arguments.
/// </summary>
/// <param name="Dynamic">Whether the scale adapts (false: a static scale).</param>
/// <param name="InitScale">The first (or static) scale.</param>
/// <param name="GrowthFactor">The growth factor of a dynamic scale.</param>
/// <param name="BackoffFactor">The backoff factor of a dynamic scale.</param>
/// <param name="GrowthInterval">Good steps before a dynamic scale grows.</param>
public sealed record LossScaleSettings(bool Dynamic, double InitScale, double GrowthFactor, double BackoffFactor, int GrowthInterval)
{
    /// <summary><c>"dynamic"</c>: 65536, doubled after 2000 good steps, halved after a bad one.</summary>
    public static LossScaleSettings DynamicDefault { get; } = new(true, GradScaler.DefaultInitScale, GradScaler.DefaultGrowthFactor, GradScaler.DefaultBackoffFactor, GradScaler.DefaultGrowthInterval);

    /// <summary>A static scale.</summary>
    public static LossScaleSettings Static(double scale) =>
        new(false, scale, GradScaler.DefaultGrowthFactor, GradScaler.DefaultBackoffFactor, GradScaler.DefaultGrowthInterval);

    /// <summary>A scaler with these settings.</summary>
    public GradScaler CreateScaler() => new(InitScale, GrowthFactor, BackoffFactor, GrowthInterval, Dynamic);
}
