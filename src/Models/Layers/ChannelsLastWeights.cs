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
    /// <summary>
    /// The environment variable that sets the layout: <c>0</c> off (to compare or to rule it out),
    /// <c>auto</c> timed against NCHW per model and batch shape at the inferencer's first batch
    /// (<see cref="InferenceLayoutTuning"/>), anything else (unset) on.
    /// </summary>
    public const string Variable = "ICLS_CHANNELS_LAST";

    /// <summary>
    /// Whether the layout pays here: when libtorch's convolutions run in oneDNN, unless
    /// <see cref="Variable"/> is <c>0</c>. Where oneDNN is off (<c>ICLS_CONVOLUTION=native</c>, or a CPU
    /// whose oneDNN failed the start-up check) the native kernels run NCHW best.
    /// </summary>
    public static bool Pays =>
        Environment.GetEnvironmentVariable(Variable) != "0" && (!LibTorchContext.IsAvailable || LibTorchContext.MkldnnEnabled);

    /// <summary>Whether the inferencer times the layout against NCHW rather than taking it as given: where it <see cref="Pays"/> and <see cref="Variable"/> is <c>auto</c>.</summary>
    public static bool Tuned => Pays && Environment.GetEnvironmentVariable(Variable) == "auto";

    /// <summary>Restrides <paramref name="model"/>'s 4-D parameters in place.</summary>
    /// <returns>How many parameters were restrided.</returns>
    public static int Apply(nn.Module model) => Restride(model, ChannelsLastStrides);

    /// <summary>Gives <paramref name="model"/>'s channels-last 4-D parameters NCHW strides again, in place.</summary>
    /// <returns>How many parameters were restrided.</returns>
    public static int Remove(nn.Module model) => Restride(model, ContiguousStrides);

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
    internal static Tensor Copy(Tensor tensor) => Restrided(tensor, ChannelsLastStrides(tensor.shape));

    // Compared by strides rather than is_contiguous(), which calls a 1 x 1 kernel contiguous in
    // either layout.
    private static int Restride(nn.Module model, Func<long[], long[]> layout)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        var restrided = 0;
        foreach (var parameter in model.parameters())
        {
            if (parameter.dim() == 4 && layout(parameter.shape) is var strides && !parameter.stride().SequenceEqual(strides))
            {
                using var copy = Restrided(parameter, strides);
                parameter.set_(copy);
                restrided++;
            }
        }

        return restrided;
    }

    // Explicit strides even where the sizes leave the layout ambiguous (1 x 1 kernels, one
    // channel): libtorch reads the layout from the strides alone.
    private static Tensor Restrided(Tensor tensor, long[] strides)
    {
        var copy = torch.empty_strided(tensor.shape, strides, tensor.dtype, tensor.device);
        copy.copy_(tensor);
        return copy;
    }

    private static long[] ChannelsLastStrides(long[] shape) => [shape[1] * shape[2] * shape[3], 1, shape[1] * shape[3], shape[1]];

    private static long[] ContiguousStrides(long[] shape) => [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
}
