using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// ConvNeXt from torchvision (<c>convnext_tiny</c> ... <c>convnext_large</c>) to mmpretrain's.
/// torchvision keeps the stem and the downsampling layers and stages in one Sequential
/// (<c>features.0</c> the stem, odd indices the stages, even ones from 2 the downsampling layers),
/// each block's layers in <c>block</c> (0 the depthwise conv, 2 the norm, 3 and 5 the pointwise
/// Linear layers) with its layer scale as <c>layer_scale</c> (C, 1, 1), and the final norm and the
/// classifier in <c>classifier.0</c> and <c>.2</c>; mmpretrain has <c>downsample_layers.S</c>,
/// <c>stages.S.B.depthwise_conv</c>, <c>norm</c>, <c>pointwise_conv1/2</c>, <c>gamma</c> (C),
/// <c>norm3</c> and <c>head.fc</c>.
/// </summary>
public sealed partial class ConvNeXtKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "ConvNeXt";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is ConvNeXt && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var top = key.StartsWith("classifier.0.", StringComparison.Ordinal) ? "backbone.norm3." + key["classifier.0.".Length..]
            : key.StartsWith("classifier.2.", StringComparison.Ordinal) ? "head.fc." + key["classifier.2.".Length..]
            : null;
        if (top is not null)
        {
            return top;
        }

        var match = Feature().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var index = int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        var rest = match.Groups[2].Value;
        if (index % 2 == 0)
        {
            // The stem (conv, norm) and the downsampling layers (norm, conv) keep their order.
            return index <= 6 ? $"backbone.downsample_layers.{index / 2}.{rest}" : null;
        }

        var block = Block().Match(rest);
        if (!block.Success || index > 7)
        {
            return null;
        }

        var part = block.Groups[2].Value switch
        {
            "layer_scale" => "gamma",
            "block.0" => "depthwise_conv",
            "block.2" => "norm",
            "block.3" => "pointwise_conv1",
            "block.5" => "pointwise_conv2",
            _ => null,
        };
        var tail = block.Groups[3].Success ? "." + block.Groups[3].Value : string.Empty;
        return part is null ? null : $"backbone.stages.{index / 2}.{block.Groups[1].Value}.{part}{tail}";
    }

    /// <summary>
    /// The layer scale, flattened from (C, 1, 1) to mmpretrain's (C); with <c>linear_pw_conv</c>
    /// false, the pointwise Linear weights (out, in) as 1x1 conv weights (out, in, 1, 1).
    /// </summary>
    public Tensor MapTensor(string key, Tensor tensor, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tensor);
        if (key.EndsWith(".layer_scale", StringComparison.Ordinal))
        {
            return tensor.reshape(-1);
        }

        var pointwise = key.EndsWith(".weight", StringComparison.Ordinal) && tensor.dim() == 2
            && (key.Contains(".block.3.", StringComparison.Ordinal) || key.Contains(".block.5.", StringComparison.Ordinal));
        return pointwise && backbone is ConvNeXt { LinearPwConv: false } ? tensor.reshape(tensor.shape[0], tensor.shape[1], 1, 1) : tensor;
    }

    [GeneratedRegex(@"^features\.(\d+)\.(.+)$")]
    private static partial Regex Feature();

    // "B.layer_scale" or "B.block.L.param".
    [GeneratedRegex(@"^(\d+)\.(layer_scale|block\.\d+)(?:\.(.+))?$")]
    private static partial Regex Block();
}
