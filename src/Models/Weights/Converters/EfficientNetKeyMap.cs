using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// EfficientNet b0 ... b7 from torchvision (<c>efficientnet_b*</c>: <c>features.0</c> the stem,
/// <c>features.1 ... 7</c> one stage per run of equal-channel blocks, each block a <c>block</c>
/// sequence as MobileNetV3's, <c>features.8</c> the last 1x1 conv, <c>classifier.1</c>) to
/// mmpretrain's (<c>layers.0</c>, <c>layers.1 ... 5</c>, where mmpretrain joins torchvision's stages 4
/// and 5 into layers.4 and 6 and 7 into layers.5, <c>layers.6</c>, <c>head.fc</c>). torchvision has no
/// EdgeTPU archs.
/// </summary>
public sealed partial class EfficientNetKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "EfficientNet";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) =>
        backbone is EfficientNet network && network.Arch.StartsWith('b') && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var classifier = Classifier().Match(key);
        if (classifier.Success)
        {
            return $"head.fc.{classifier.Groups[1].Value}";
        }

        var match = Feature().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var stage = Number(match.Groups[1]);
        var rest = match.Groups[2].Value;
        var blocks = TorchvisionStages((EfficientNet)backbone);
        if (stage == 0 || stage == blocks.Count + 1)
        {
            return TorchvisionBlockKeys.ConvNorm(rest) is { } unit ? $"backbone.layers.{(stage == 0 ? 0 : 6)}.{unit}" : null;
        }

        var inner = BlockKey().Match(rest);
        if (stage > blocks.Count || !inner.Success || Number(inner.Groups[1]) >= blocks[stage - 1].Count)
        {
            return null;
        }

        var (layer, index, block) = blocks[stage - 1][Number(inner.Groups[1])];
        return TorchvisionBlockKeys.InBlock(inner.Groups[2].Value, block) is { } part ? $"backbone.layers.{layer}.{index}.{part}" : null;
    }

    // torchvision's stages: the blocks of layers.1 ... 5 split wherever the output channels change.
    private static List<List<(int Layer, int Index, MBConv Block)>> TorchvisionStages(EfficientNet backbone)
    {
        var stages = new List<List<(int, int, MBConv)>>();
        var previous = -1;
        for (var layer = 0; layer < backbone.StageBlocks.Count; layer++)
        {
            var layerBlocks = backbone.StageBlocks[layer];
            for (var index = 0; index < layerBlocks.Count; index++)
            {
                var block = (MBConv)layerBlocks[index];
                if (block.OutChannels != previous)
                {
                    stages.Add([]);
                    previous = block.OutChannels;
                }

                stages[^1].Add((layer + 1, index, block));
            }
        }

        return stages;
    }

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^classifier\.1\.(weight|bias)$")]
    private static partial Regex Classifier();

    [GeneratedRegex(@"^features\.(\d+)\.(.+)$")]
    private static partial Regex Feature();

    [GeneratedRegex(@"^(\d+)\.(block\..+)$")]
    private static partial Regex BlockKey();
}
