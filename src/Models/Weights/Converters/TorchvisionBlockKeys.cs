using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// What torchvision's MobileNetV3 and EfficientNet inverted residuals share: a <c>block</c> sequence
/// numbered without the parts a block lacks (the expanding conv-norm-activation, the depthwise one,
/// the squeeze-and-excitation's <c>fc1</c>/<c>fc2</c>, the projecting conv-norm), and the
/// conv-norm-activation unit (<c>0</c> the conv, <c>1</c> the norm), as mmpretrain's
/// <see cref="MBConv"/> and ConvModule name them.
/// </summary>
internal static partial class TorchvisionBlockKeys
{
    /// <summary>
    /// mmpretrain's key inside <paramref name="block"/> for torchvision's key inside its inverted
    /// residual (<c>block.2.1.running_var</c>, <c>block.1.fc1.weight</c>), or null.
    /// </summary>
    public static string? InBlock(string key, MBConv block)
    {
        var match = BlockUnit().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var units = new List<string>(4);
        if (block.HasExpandConv)
        {
            units.Add("expand_conv");
        }

        units.Add("depthwise_conv");
        if (block.HasSE)
        {
            units.Add("se");
        }

        units.Add("linear_conv");
        var index = int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        if (index >= units.Count)
        {
            return null;
        }

        var tail = match.Groups[2].Value;
        if (units[index] != "se")
        {
            return ConvNorm(tail) is { } part ? $"{units[index]}.{part}" : null;
        }

        var se = SqueezeExcitation().Match(tail);
        return se.Success ? $"se.conv{se.Groups[1].Value}.conv.{se.Groups[2].Value}" : null;
    }

    /// <summary>
    /// A conv-norm-activation unit's key (<c>0.weight</c>, <c>1.running_mean</c>) as a ConvModule's
    /// (<c>conv.weight</c>, <c>bn.running_mean</c>), or under other prefixes for the conv and the
    /// norm (a ResNet block's <c>conv1.</c> and <c>bn1.</c>); null for another key.
    /// </summary>
    public static string? ConvNorm(string key, string conv = "conv.", string norm = "bn.") =>
        key.StartsWith("0.", StringComparison.Ordinal) ? conv + key[2..]
        : key.StartsWith("1.", StringComparison.Ordinal) ? norm + key[2..]
        : null;

    [GeneratedRegex(@"^block\.(\d+)\.(.+)$")]
    private static partial Regex BlockUnit();

    [GeneratedRegex(@"^fc([12])\.(weight|bias)$")]
    private static partial Regex SqueezeExcitation();
}
