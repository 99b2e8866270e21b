using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// DenseNet from torchvision (<c>densenet121</c>, <c>161</c>, <c>169</c>, <c>201</c>) to mmpretrain's:
/// <c>features.conv0</c> / <c>norm0</c> are <c>stem.0</c> / <c>stem.1</c>,
/// <c>features.denseblockB.denselayerL.*</c> is <c>stages.B-1.block.L-1.*</c>,
/// <c>features.transitionT.*</c> is <c>transitions.T-1.*</c>, the final <c>features.norm5</c> is
/// <c>transitions.3.0</c> (mmpretrain counts it as the last transition) and <c>classifier</c> is
/// <c>head.fc</c>. The files torchvision publishes still carry the old layer names
/// (<c>norm.1</c>, <c>conv.2</c>), which torchvision renames while loading; they are renamed here too.
/// </summary>
public sealed partial class DenseNetKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "DenseNet";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is DenseNet && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lastStage = ((DenseNet)backbone).Depths.Count - 1;
        if (key.StartsWith("classifier.", StringComparison.Ordinal))
        {
            return "head.fc." + key["classifier.".Length..];
        }

        if ((Top(key, "features.conv0.", "backbone.stem.0.") ?? Top(key, "features.norm0.", "backbone.stem.1.") ?? Top(key, "features.norm5.", $"backbone.transitions.{lastStage}.0.")) is { } top)
        {
            return top;
        }

        var layer = DenseLayerKey().Match(key);
        if (layer.Success)
        {
            return $"backbone.stages.{Number(layer.Groups[1]) - 1}.block.{Number(layer.Groups[2]) - 1}.{layer.Groups[3].Value}{layer.Groups[4].Value}.{layer.Groups[5].Value}";
        }

        var transition = TransitionKey().Match(key);
        return transition.Success ? $"backbone.transitions.{Number(transition.Groups[1]) - 1}.{transition.Groups[2].Value}" : null;
    }

    private static string? Top(string key, string prefix, string target) =>
        key.StartsWith(prefix, StringComparison.Ordinal) ? target + key[prefix.Length..] : null;

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    // norm1 / conv2, or the published files' norm.1 / conv.2.
    [GeneratedRegex(@"^features\.denseblock(\d+)\.denselayer(\d+)\.(norm|conv)\.?([12])\.([a-z_]+)$")]
    private static partial Regex DenseLayerKey();

    [GeneratedRegex(@"^features\.transition(\d+)\.((?:norm|conv)\.[a-z_]+)$")]
    private static partial Regex TransitionKey();
}
