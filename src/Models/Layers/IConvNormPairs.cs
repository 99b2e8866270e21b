using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// A module whose forward feeds a convolution's output straight into a norm layer and nowhere
/// else, in places a generic walk cannot see (fields called in code rather than a Sequential):
/// it names those pairs, so that <see cref="ConvBatchNormFolding"/> can fold them for inference.
/// A plugin's module implements it the same way.
/// </summary>
public interface IConvNormPairs
{
    /// <summary>Each convolution and the norm layer that alone consumes its output.</summary>
    IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> ConvNormPairs();
}
