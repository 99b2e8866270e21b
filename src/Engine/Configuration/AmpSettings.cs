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
