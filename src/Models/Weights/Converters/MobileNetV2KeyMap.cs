using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// MobileNetV2 from torchvision (<c>mobilenet_v2</c>: <c>features.0</c> the stem, <c>features.1-17</c>
/// the inverted residuals, <c>features.18</c> the last 1x1 conv, <c>classifier.1</c>) and timm
/// (<c>mobilenetv2_*</c>: <c>conv_stem</c>/<c>bn1</c>, <c>blocks.S.B</c> with <c>conv_pw</c>,
/// <c>conv_dw</c>, <c>conv_pwl</c> and <c>bn1-3</c>, <c>conv_head</c>/<c>bn2</c>, <c>classifier</c>)
/// to mmpretrain's (<c>conv1</c>, <c>layer1-7.B.conv.U.conv/bn</c>, <c>conv2</c>, <c>head.fc</c>).
/// The blocks per stage are mmpretrain's arch: 1, 2, 3, 4, 3, 3, 1.
/// </summary>
public sealed partial class MobileNetV2KeyMap : IStateDictKeyMap
{
    private static readonly int[] BlocksPerStage = [1, 2, 3, 4, 3, 3, 1];

    /// <inheritdoc />
    public string Family => "MobileNetV2";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is MobileNetV2 && source != WeightSource.Mmpretrain;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        return source == WeightSource.Torchvision ? FromTorchvision(key) : FromTimm(key);
    }

    private static string? FromTorchvision(string key)
    {
        if (key.StartsWith("classifier.1.", StringComparison.Ordinal))
        {
            return "head.fc." + key["classifier.1.".Length..];
        }

        var match = TorchvisionFeature().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var index = Number(match.Groups[1]);
        var rest = match.Groups[2].Value;
        if (index == 0 || index == 18)
        {
            // ConvBNReLU: .0 the conv, .1 the norm.
            var module = index == 0 ? "conv1" : "conv2";
            return Unit(rest) is var (unit, tail) && unit is 0 or 1 ? $"backbone.{module}.{(unit == 0 ? "conv" : "bn")}.{tail}" : null;
        }

        var (layer, block) = StageAndBlock(index - 1);
        if (layer < 0 || !rest.StartsWith("conv.", StringComparison.Ordinal))
        {
            return null;
        }

        // Inside the block: ConvBNReLU units at conv.U.0 (conv) and conv.U.1 (bn), then the linear
        // 1x1 conv at conv.P and its norm at conv.P+1, P being the number of ConvBNReLU units
        // (1 without expansion, in the first block; 2 with it).
        var units = index == 1 ? 1 : 2;
        var inner = BlockInner().Match(rest["conv.".Length..]);
        if (!inner.Success)
        {
            return null;
        }

        var first = Number(inner.Groups[1]);
        var target = inner.Groups[2].Success
            ? $"{first}.{(Number(inner.Groups[2]) == 0 ? "conv" : "bn")}"
            : first == units ? $"{units}.conv" : first == units + 1 ? $"{units}.bn" : null;
        return target is null ? null : $"backbone.layer{layer + 1}.{block}.conv.{target}.{inner.Groups[3].Value}";
    }

    private static string? FromTimm(string key)
    {
        string? Top(string prefix, string target) =>
            key.StartsWith(prefix, StringComparison.Ordinal) ? target + key[prefix.Length..] : null;

        var top = Top("conv_stem.", "backbone.conv1.conv.") ?? Top("bn1.", "backbone.conv1.bn.")
            ?? Top("conv_head.", "backbone.conv2.conv.") ?? Top("bn2.", "backbone.conv2.bn.") ?? Top("classifier.", "head.fc.");
        if (top is not null)
        {
            return top;
        }

        var match = TimmBlock().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var stage = Number(match.Groups[1]);
        var block = Number(match.Groups[2]);
        var part = match.Groups[3].Value;

        // The first stage is a depthwise-separable block (conv_dw, bn1, conv_pw, bn2); the others are
        // inverted residuals (conv_pw, bn1, conv_dw, bn2, conv_pwl, bn3).
        var unit = stage == 0
            ? part switch { "conv_dw" => "0.conv", "bn1" => "0.bn", "conv_pw" => "1.conv", "bn2" => "1.bn", _ => null }
            : part switch { "conv_pw" => "0.conv", "bn1" => "0.bn", "conv_dw" => "1.conv", "bn2" => "1.bn", "conv_pwl" => "2.conv", "bn3" => "2.bn", _ => null };
        return unit is null || stage >= BlocksPerStage.Length ? null : $"backbone.layer{stage + 1}.{block}.conv.{unit}.{match.Groups[4].Value}";
    }

    private static (int Layer, int Block) StageAndBlock(int blockIndex)
    {
        for (var stage = 0; stage < BlocksPerStage.Length; stage++)
        {
            if (blockIndex < BlocksPerStage[stage])
            {
                return (stage, blockIndex);
            }

            blockIndex -= BlocksPerStage[stage];
        }

        return (-1, -1);
    }

    private static (int Unit, string Tail)? Unit(string rest)
    {
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var unit) ? (unit, rest[(dot + 1)..]) : null;
    }

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^features\.(\d+)\.(.+)$")]
    private static partial Regex TorchvisionFeature();

    // "U.S.param" (a ConvBNReLU unit's conv or bn) or "P.param" (the linear conv or its norm).
    [GeneratedRegex(@"^(\d+)\.(?:(\d+)\.)?([A-Za-z_]+)$")]
    private static partial Regex BlockInner();

    [GeneratedRegex(@"^blocks\.(\d+)\.(\d+)\.([a-z_]+\d?)\.(.+)$")]
    private static partial Regex TimmBlock();
}
