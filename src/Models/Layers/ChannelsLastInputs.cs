using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Gives a batch of images channels-last (NHWC) strides before it enters a model whose weights keep
/// their NCHW layout: the model validated between training epochs, whose weights the optimizer
/// owns. A convolution whose input is channels-last runs in oneDNN's layout and answers
/// channels-last, so the layout carries through the network as it does from
/// <see cref="ChannelsLastWeights"/> in inference; validation of the quick start runs about 1.25x
/// faster. Training itself stays NCHW: libtorch 2.10's channels-last backward kernels give
/// gradients measurably off NCHW's (docs/training.md#speed-on-cpu).
/// </summary>
public static class ChannelsLastInputs
{
    /// <summary>
    /// Whether the layout pays for a model on a device of <paramref name="deviceType"/>: on the CPU
    /// where <see cref="ChannelsLastWeights.Pays"/> (oneDNN runs the convolutions and
    /// <c>ICLS_CHANNELS_LAST</c> is not <c>0</c>). cuDNN's choice on CUDA is left to it.
    /// </summary>
    public static bool PaysOn(DeviceType deviceType) => deviceType == DeviceType.CPU && ChannelsLastWeights.Pays;

    /// <summary>
    /// A channels-last copy of <paramref name="batch"/> (in the current dispose scope) when it is a
    /// 4-D NCHW-contiguous tensor; otherwise <paramref name="batch"/> itself, whose layout someone chose.
    /// </summary>
    public static Tensor Apply(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // Called on every evaluation batch: native queries first, no stride arrays until a copy is due.
        if (batch.dim() != 4 || !batch.is_contiguous())
        {
            return batch;
        }

        return ChannelsLastWeights.Copy(batch);
    }
}
