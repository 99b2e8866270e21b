using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// ResNet, ResNetV1c and ResNetV1d from torchvision (<c>resnet18</c> ... <c>resnet152</c>) and timm
/// (the same layout, plus its deep-stem <c>resnet*c</c> and <c>resnet*d</c>). mmpretrain's ResNet
/// keeps torchvision's names below the stem (<c>layerN.M.convK</c>, <c>bnK</c>, <c>downsample</c>,
/// with V1d's average pool at <c>downsample.0</c> of striding stages in both), so the map adds
/// <c>backbone.</c>, moves <c>fc</c> to <c>head.fc</c>, renames timm's deep stem (<c>conv1.0</c> ...
/// <c>conv1.6</c>, <c>bn1</c>) to mmpretrain's <c>stem.0-2.conv/bn</c>, and shifts timm's averaged
/// shortcut in a stage that does not stride, where mmpretrain has no pool. ResNeXt
/// (torchvision's <c>resnext50_32x4d</c>, <c>resnext101_32x8d</c>, <c>resnext101_64x4d</c>) is a
/// ResNet with grouped 3x3 convs under the same keys, so this map converts it too; SE-ResNet and
/// SE-ResNeXt are not converted: torchvision has neither, and timm's SE keys have no mapping here.
/// RegNet, a ResNet in mmpretrain, has its own map (<see cref="RegNetKeyMap"/>).
/// </summary>
public sealed partial class ResNetKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "ResNet";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) =>
        backbone is ResNet resnet and not (SEResNet or RegNet) && source != WeightSource.Mmpretrain
        && (!resnet.DeepStem || source == WeightSource.Timm);

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("fc.", StringComparison.Ordinal))
        {
            return "head." + key;
        }

        if (backbone is ResNet { DeepStem: true })
        {
            // timm's deep stem: a Sequential of conv, bn, act, conv, bn, act, conv, then bn1.
            var stem = DeepStemKey().Match(key);
            if (stem.Success)
            {
                var (unit, part) = int.Parse(stem.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) switch
                {
                    0 => (0, "conv"),
                    1 => (0, "bn"),
                    3 => (1, "conv"),
                    4 => (1, "bn"),
                    6 => (2, "conv"),
                    _ => (-1, string.Empty),
                };
                return unit < 0 ? null : $"backbone.stem.{unit}.{part}.{stem.Groups[2].Value}";
            }

            if (key.StartsWith("bn1.", StringComparison.Ordinal))
            {
                return "backbone.stem.2.bn." + key["bn1.".Length..];
            }
        }

        if (backbone is ResNet { AvgDown: true } averaging && AveragedShortcut().Match(key) is { Success: true } shortcut)
        {
            // timm always keeps a slot for the pool (an Identity where the stage does not stride),
            // so its conv and norm are downsample.1 and .2; mmpretrain pools only in striding
            // stages, so there they are downsample.0 and .1.
            var stage = int.Parse(shortcut.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var index = int.Parse(shortcut.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var pools = stage <= averaging.Strides.Count && averaging.Strides[stage - 1] != 1;
            return pools ? "backbone." + key : $"backbone.layer{stage}.0.downsample.{index - 1}.{shortcut.Groups[3].Value}";
        }

        return "backbone." + key;
    }

    [GeneratedRegex(@"^conv1\.(\d+)\.(.+)$")]
    private static partial Regex DeepStemKey();

    [GeneratedRegex(@"^layer(\d+)\.0\.downsample\.([12])\.(.+)$")]
    private static partial Regex AveragedShortcut();
}
