using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// ResNet, ResNetV1c and ResNetV1d from torchvision (<c>resnet18</c> ... <c>resnet152</c>) and timm
/// (the same layout, plus its deep-stem <c>resnet*c</c> and <c>resnet*d</c>). mmpretrain's ResNet
/// keeps torchvision's names below the stem (<c>layerN.M.convK</c>, <c>bnK</c>, <c>downsample</c>,
/// with the average pool of V1d at <c>downsample.0</c> in both), so the map adds <c>backbone.</c>,
/// moves <c>fc</c> to <c>head.fc</c>, and renames timm's deep stem (<c>conv1.0</c> ... <c>conv1.6</c>,
/// <c>bn1</c>) to mmpretrain's <c>stem.0-2.conv/bn</c>.
/// </summary>
public sealed partial class ResNetKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "ResNet";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) =>
        backbone is ResNet resnet && source != WeightSource.Mmpretrain
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

        return "backbone." + key;
    }

    [GeneratedRegex(@"^conv1\.(\d+)\.(.+)$")]
    private static partial Regex DeepStemKey();
}
