using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// MobileNetV3 from torchvision (<c>mobilenet_v3_small</c>, <c>mobilenet_v3_large</c>:
/// <c>features.0</c> the stem, <c>features.1 ... N</c> the blocks, each a <c>block</c> sequence of
/// conv-norm-activation units and the squeeze-and-excitation's <c>fc1</c>/<c>fc2</c>,
/// <c>features.N+1</c> the last 1x1 conv, <c>classifier.0</c> and <c>classifier.3</c> the two linear
/// layers) to mmpretrain's (<c>layer0</c> ... <c>layerN+1</c>, each block's <c>expand_conv</c>,
/// <c>depthwise_conv</c>, <c>se.conv1</c>/<c>se.conv2</c>, <c>linear_conv</c>, and the
/// StackedLinearClsHead's <c>head.layers.0.fc</c>, <c>head.layers.1.fc</c>). A block's units are
/// numbered in torchvision without the parts it lacks, so the map reads which parts each block of the
/// model has.
/// </summary>
public sealed partial class MobileNetV3KeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "MobileNetV3";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is MobileNetV3 && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var head = HeadLayer().Match(key);
        if (head.Success)
        {
            // classifier.1 and .2 are the hard swish and the dropout, which have no weights.
            return $"head.layers.{(head.Groups[1].Value == "0" ? 0 : 1)}.fc.{head.Groups[2].Value}";
        }

        var match = Feature().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var blocks = ((MobileNetV3)backbone).Blocks;
        var layer = int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        var inner = layer == 0 || layer == blocks.Count + 1
            ? TorchvisionBlockKeys.ConvNorm(match.Groups[2].Value)
            : layer <= blocks.Count ? TorchvisionBlockKeys.InBlock(match.Groups[2].Value, blocks[layer - 1]) : null;
        return inner is null ? null : $"backbone.layer{layer}.{inner}";
    }

    [GeneratedRegex(@"^classifier\.([03])\.(weight|bias)$")]
    private static partial Regex HeadLayer();

    [GeneratedRegex(@"^features\.(\d+)\.(.+)$")]
    private static partial Regex Feature();
}
