using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// VGG from torchvision (<c>vgg11</c> ... <c>vgg19</c>, <c>vgg11_bn</c> ... <c>vgg19_bn</c>) to
/// mmpretrain's. Both keep one <c>features</c> Sequential, but torchvision puts the conv, its norm
/// and its ReLU in separate slots (<c>features.K</c>, <c>features.K+1</c>, ...) where mmpretrain has
/// one ConvModule (<c>features.J.conv</c>, <c>features.J.bn</c>), so the indices are recounted from
/// the backbone's stages; torchvision's <c>classifier.0/3/6</c> are mmpretrain's
/// <c>backbone.classifier.0/3/6</c> (there is no head layer: mmpretrain's configs use a plain ClsHead).
/// </summary>
public sealed partial class VGGKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "VGG";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is VGG && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var vgg = (VGG)backbone;
        if (key.StartsWith("classifier.", StringComparison.Ordinal))
        {
            return vgg.NumClasses > 0 ? "backbone." + key : null;
        }

        var match = Feature().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var target = Slots(vgg).GetValueOrDefault(int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture));
        return target is null ? null : $"backbone.features.{target}.{match.Groups[2].Value}";
    }

    // torchvision's features index of each conv and norm, and where mmpretrain keeps it ("0.conv").
    // torchvision's slots per conv are conv, (norm,) ReLU; each stage ends with a pooling slot, as
    // mmpretrain's does (its last pooling may be left out, which moves no conv).
    private static Dictionary<int, string> Slots(VGG vgg)
    {
        var slots = new Dictionary<int, string>();
        var source = 0;
        var target = 0;
        foreach (var convs in vgg.StageBlocks)
        {
            for (var conv = 0; conv < convs; conv++)
            {
                slots[source++] = $"{target}.conv";
                if (vgg.WithNorm)
                {
                    slots[source++] = $"{target}.bn";
                }

                source++;
                target++;
            }

            source++;
            target++;
        }

        return slots;
    }

    [GeneratedRegex(@"^features\.(\d+)\.([a-z_]+)$")]
    private static partial Regex Feature();
}
