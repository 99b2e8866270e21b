using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// RegNetX from torchvision (<c>regnet_x_400mf</c> ... <c>regnet_x_32gf</c>) to mmpretrain's
/// <see cref="RegNet"/>: the stem <c>stem.0</c> / <c>stem.1</c> is <c>conv1</c> / <c>bn1</c>;
/// <c>trunk_output.blockS.blockS-B</c> is <c>layerS.B</c>, whose <c>f.a</c>, <c>f.b</c>, <c>f.c</c>
/// (conv <c>0</c>, norm <c>1</c>) are <c>conv1/bn1</c>, <c>conv2/bn2</c>, <c>conv3/bn3</c> and whose
/// projection <c>proj.0/1</c> is <c>downsample.0/1</c>; <c>fc</c> is <c>head.fc</c>. The widths must
/// agree too: torchvision rounds group widths otherwise for some designs (its regnet_x_400mf ends
/// with 400 channels, mmpretrain's regnetx_400mf with 384), and the strict load names each tensor
/// that does not fit. RegNetY's squeeze-and-excitation keys (<c>f.se</c>) have no place here.
/// </summary>
public sealed partial class RegNetKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "RegNet";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is RegNet && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("fc.", StringComparison.Ordinal))
        {
            return "head." + key;
        }

        if (key.StartsWith("stem.", StringComparison.Ordinal))
        {
            return TorchvisionBlockKeys.ConvNorm(key["stem.".Length..], "conv1.", "bn1.") is { } stem ? "backbone." + stem : null;
        }

        var block = BlockKey().Match(key);
        if (!block.Success || block.Groups[1].Value != block.Groups[2].Value)
        {
            return null;
        }

        var prefix = $"backbone.layer{block.Groups[1].Value}.{block.Groups[3].Value}.";
        var tail = block.Groups[4].Value;
        var unit = tail switch
        {
            _ when tail.StartsWith("proj.", StringComparison.Ordinal) => TorchvisionBlockKeys.ConvNorm(tail["proj.".Length..], "downsample.0.", "downsample.1."),
            _ when tail.StartsWith("f.a.", StringComparison.Ordinal) => TorchvisionBlockKeys.ConvNorm(tail["f.a.".Length..], "conv1.", "bn1."),
            _ when tail.StartsWith("f.b.", StringComparison.Ordinal) => TorchvisionBlockKeys.ConvNorm(tail["f.b.".Length..], "conv2.", "bn2."),
            _ when tail.StartsWith("f.c.", StringComparison.Ordinal) => TorchvisionBlockKeys.ConvNorm(tail["f.c.".Length..], "conv3.", "bn3."),
            _ => null,
        };
        return unit is null ? null : prefix + unit;
    }

    [GeneratedRegex(@"^trunk_output\.block(\d+)\.block(\d+)-(\d+)\.(.+)$")]
    private static partial Regex BlockKey();
}
