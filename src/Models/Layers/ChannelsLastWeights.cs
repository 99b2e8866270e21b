using ImageClassifier.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Gives every 4-D parameter of a model channels-last (NHWC) strides, for inference. oneDNN's
/// convolutions work in NHWC: with NCHW tensors libtorch reorders the input, the output and the
/// weights on every call, which at batch 1 costs as much as the arithmetic. A convolution whose
/// weight is channels-last runs channels-last and gives channels-last output, so the layout then
/// carries from layer to layer without touching the input. Only strides change: every value,
/// shape and state-dict key stays the same.
/// </summary>
public static class ChannelsLastWeights
{
    /// <summary>The environment variable that turns the layout off (<c>0</c>), to compare or to rule it out.</summary>
    public const string Variable = "ICLS_CHANNELS_LAST";

    /// <summary>
    /// Whether the layout pays here: when libtorch's convolutions run in oneDNN, unless
    /// <see cref="Variable"/> is <c>0</c>. Where oneDNN is off (<c>ICLS_CONVOLUTION=native</c>, or a CPU
    /// whose oneDNN failed the start-up check) the native kernels run NCHW best.
    /// </summary>
    public static bool Pays =>
        Environment.GetEnvironmentVariable(Variable) != "0" && (!LibTorchContext.IsAvailable || LibTorchContext.MkldnnEnabled);

    /// <summary>Restrides <paramref name="model"/>'s 4-D parameters in place.</summary>
    /// <returns>How many parameters were restrided.</returns>
    public static int Apply(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        var restrided = 0;
        foreach (var parameter in model.parameters())
        {
            if (parameter.dim() == 4 && !IsChannelsLast(parameter))
            {
                using var nhwc = Copy(parameter);
                parameter.set_(nhwc);
                restrided++;
            }
        }

        return restrided;
    }

    /// <summary>Whether a 4-D tensor is laid out NHWC (channels the fastest-moving dimension).</summary>
    public static bool IsChannelsLast(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 4)
        {
            return false;
        }

        return tensor.stride().SequenceEqual(ChannelsLastStrides(tensor.shape));
    }

    /// <summary>A copy of a 4-D tensor with channels-last strides, in the current dispose scope.</summary>
    internal static Tensor Copy(Tensor tensor)
    {
        // Explicit NHWC strides even where the sizes leave the layout ambiguous (1 x 1 kernels, one
        // channel): libtorch reads the layout from the strides alone.
        var shape = tensor.shape;
        var nhwc = torch.empty_strided(shape, ChannelsLastStrides(shape), tensor.dtype, tensor.device);
        nhwc.copy_(tensor);
        return nhwc;
    }

    private static long[] ChannelsLastStrides(long[] shape) => [shape[1] * shape[2] * shape[3], 1, shape[1] * shape[3], shape[1]];
}
