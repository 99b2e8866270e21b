using System.Globalization;
using ImageClassifier.Engine.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Amp;

/// <summary>
/// A run's mixed precision, resolved for its device: the autocast dtype and, for float16, the loss
/// scaler that lives as long as the run (its state goes into the checkpoints).
/// </summary>
public sealed class AmpContext
{
    private AmpContext(DeviceType deviceType, ScalarType dtype, GradScaler? scaler)
    {
        DeviceType = deviceType;
        Dtype = dtype;
        Scaler = scaler;
    }

    /// <summary>The device type autocast applies to.</summary>
    public DeviceType DeviceType { get; }

    /// <summary>The lower precision.</summary>
    public ScalarType Dtype { get; }

    /// <summary>The loss scaler; null with bfloat16 (which needs none) or when scaling is switched off.</summary>
    public GradScaler? Scaler { get; }

    /// <summary>
    /// The mixed precision <paramref name="amp"/> asks for on <paramref name="device"/>; null when
    /// <paramref name="amp"/> is null (full precision).
    /// </summary>
    /// <exception cref="NotSupportedException">libtorch's autocast functions were not found, or the device is neither the CPU nor CUDA.</exception>
    public static AmpContext? Create(AmpSettings? amp, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (amp is null)
        {
            return null;
        }

        if (device.type is not (DeviceType.CPU or DeviceType.CUDA))
        {
            throw new NotSupportedException($"Mixed precision (AmpOptimWrapper) runs on the CPU or CUDA, not on {device}.");
        }

        if (!Autocast.IsAvailable)
        {
            throw new NotSupportedException($"Mixed precision (AmpOptimWrapper) needs libtorch's autocast, which is not available here: {Autocast.UnavailableReason} Use \"type\": \"OptimWrapper\" instead.");
        }

        var dtype = amp.DtypeOn(device.type);

        // bfloat16 has float32's exponent range: gradients do not underflow, so no scaling is done.
        var scale = dtype == ScalarType.Float16 ? amp.LossScale : null;
        return new AmpContext(device.type, dtype, scale?.CreateScaler());
    }

    /// <summary>Opens an autocast scope on the calling thread.</summary>
    public Autocast Enter() => new(DeviceType, Dtype);

    /// <summary>"bfloat16, no loss scaling", "float16, dynamic loss scale from 65536", ...</summary>
    public string Describe()
    {
        var scale = Scaler?.Scale.ToString("G", CultureInfo.InvariantCulture);
        var scaling = Scaler is null ? "no loss scaling" : Scaler.Dynamic ? $"dynamic loss scale from {scale}" : $"static loss scale {scale}";
        return $"{AmpSettings.NameOf(Dtype)}, {scaling}";
    }
}
