using ImageClassifier.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// Builds one ResNet stage as mmpretrain's <c>ResLayer</c> does: a Sequential of blocks (keys
/// <c>0</c>, <c>1</c>, ...) whose first block takes the stride and, when the stride or the channel
/// count changes, a <c>downsample</c> shortcut: <c>0</c> 1x1 conv, <c>1</c> norm; or, with
/// <c>avg_down</c> and a stride, <c>0</c> average pooling, <c>1</c> 1x1 conv, <c>2</c> norm.
/// </summary>
public static class ResLayer
{
    /// <summary>The settings every block of a stage shares.</summary>
    /// <param name="Bottleneck">Bottleneck blocks (true) or basic blocks.</param>
    /// <param name="Expansion">out / mid channels of each block.</param>
    /// <param name="Style">"pytorch" or "caffe" (bottlenecks only).</param>
    /// <param name="AvgDown">Downsample the shortcut by average pooling before a stride-1 conv.</param>
    /// <param name="Conv">Builds the convolutions.</param>
    /// <param name="Norm">Builds the norms.</param>
    public sealed record BlockSettings(bool Bottleneck, int Expansion, string Style, bool AvgDown, ConvLayerBuilder Conv, NormLayerBuilder Norm)
    {
        /// <summary>ResNeXt's groups and SE-ResNet's SE layer for the bottlenecks; the default is ResNet's plain block.</summary>
        public BottleneckOptions Options { get; init; } = new();

        /// <summary>The backbone's base_channels, which ResNeXt's grouped width is relative to.</summary>
        public int BaseChannels { get; init; } = 64;
    }

    /// <summary>Builds a stage of <paramref name="numBlocks"/> blocks: (N, in, H, W) to (N, out, H / stride, W / stride).</summary>
    /// <param name="settings">The shared block settings.</param>
    /// <param name="numBlocks">Blocks in the stage.</param>
    /// <param name="inChannels">Input channels of the stage.</param>
    /// <param name="outChannels">Output channels of every block.</param>
    /// <param name="stride">Stride of the first block.</param>
    /// <param name="dilation">Dilation of every block.</param>
    /// <param name="dropPathRates">Stochastic depth rate of each block.</param>
    public static Sequential Build(BlockSettings settings, int numBlocks, int inChannels, int outChannels, int stride, int dilation, IReadOnlyList<double> dropPathRates)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(dropPathRates);
        var blocks = new List<nn.Module<Tensor, Tensor>>(numBlocks);
        for (var index = 0; index < numBlocks; index++)
        {
            var blockIn = index == 0 ? inChannels : outChannels;
            var blockStride = index == 0 ? stride : 1;
            var downsample = index == 0 ? Downsample(settings, inChannels, outChannels, stride) : null;
            blocks.Add(settings.Bottleneck
                ? CreateBottleneck(settings, blockIn, outChannels, blockStride, dilation, downsample, dropPathRates[index])
                : new BasicBlock(blockIn, outChannels, settings.Expansion, blockStride, dilation, downsample, settings.Conv, settings.Norm, dropPathRates[index]));
        }

        return nn.Sequential(blocks);
    }

    private static Bottleneck CreateBottleneck(BlockSettings settings, int inChannels, int outChannels, int stride, int dilation, Sequential? downsample, double dropPathRate)
    {
        var (groups, widthPerGroup, seRatio) = settings.Options;
        return seRatio is { } ratio
            ? new SEBottleneck(inChannels, outChannels, settings.Expansion, stride, dilation, settings.Style, downsample, settings.Conv, settings.Norm, dropPathRate, ratio, groups, widthPerGroup, settings.BaseChannels)
            : new Bottleneck(inChannels, outChannels, settings.Expansion, stride, dilation, settings.Style, downsample, settings.Conv, settings.Norm, dropPathRate, groups, widthPerGroup, settings.BaseChannels);
    }

    private static Sequential? Downsample(BlockSettings settings, int inChannels, int outChannels, int stride)
    {
        if (stride == 1 && inChannels == outChannels)
        {
            return null;
        }

        var layers = new List<nn.Module<Tensor, Tensor>>();
        var convStride = stride;
        if (settings.AvgDown && stride != 1)
        {
            convStride = 1;
            layers.Add(nn.AvgPool2d(kernel_size: stride, stride: stride, ceil_mode: true, count_include_pad: false));
        }

        layers.Add(settings.Conv.Create(inChannels, outChannels, 1, stride: convStride, bias: false));
        layers.Add(settings.Norm.Create(outChannels));
        return nn.Sequential(layers);
    }
}
