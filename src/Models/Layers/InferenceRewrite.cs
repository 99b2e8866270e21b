using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// What a model built for inference alone goes through before its first batch (the inferencer,
/// <c>icls test</c>): batch norms folded into their convolutions (<see cref="ConvBatchNormFolding"/>),
/// then the convolution weights laid out channels-last where that pays
/// (<see cref="ChannelsLastWeights"/>). Same function, less work; never for a model that trains again.
/// </summary>
public static class InferenceRewrite
{
    /// <summary>Puts <paramref name="model"/> in evaluation mode and rewrites it in place.</summary>
    /// <param name="model">The model, already on its device.</param>
    /// <param name="channelsLast">Whether to restride the weights; by default where <see cref="ChannelsLastWeights.Pays"/>.</param>
    public static InferenceRewriteReport Apply(nn.Module model, bool? channelsLast = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        var folded = ConvBatchNormFolding.Fold(model);
        var restrided = channelsLast ?? ChannelsLastWeights.Pays ? ChannelsLastWeights.Apply(model) : 0;
        return new InferenceRewriteReport(folded, restrided);
    }
}
