using ImageClassifier.Engine.Amp;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// mmengine's AmpOptimWrapper: the forward pass and the loss run under autocast in
/// <see cref="Dtype"/>, and with float16 the loss is scaled as <see cref="LossScale"/> says.
/// </summary>
/// <param name="Dtype"><c>dtype</c>: float16 or bfloat16; null for the device's default (float16 on CUDA, bfloat16 on the CPU).</param>
/// <param name="LossScale"><c>loss_scale</c>; null when scaling is switched off (<c>{"enabled": false}</c>).</param>
public sealed record AmpSettings(ScalarType? Dtype, LossScaleSettings? LossScale)
{
    /// <summary>The dtype on a device of <paramref name="deviceType"/>.</summary>
    public ScalarType DtypeOn(DeviceType deviceType) => Dtype ?? Autocast.DefaultDtype(deviceType);

    /// <summary>The config name of a dtype: float16 or bfloat16.</summary>
    public static string NameOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}

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
