using System.Globalization;
using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// Swin Transformer from torchvision (<c>swin_t</c>, <c>swin_s</c>, <c>swin_b</c>: <c>features.0.0</c>
/// and <c>features.0.2</c> the patch embedding's conv and norm, <c>features.1, 3, 5, 7</c> the
/// stages' blocks with <c>norm1</c>, <c>attn.qkv</c>, <c>attn.proj</c>,
/// <c>attn.relative_position_bias_table</c> and <c>relative_position_index</c>, <c>norm2</c>,
/// <c>mlp.0</c> and <c>mlp.3</c>, <c>features.2, 4, 6</c> the patch merging, <c>norm</c>,
/// <c>head</c>) to mmpretrain's (<c>patch_embed.projection/norm</c>,
/// <c>stages.S.blocks.B.norm1/attn.w_msa.*/norm2/ffn.layers.0.0/ffn.layers.1</c>,
/// <c>stages.S.downsample.norm/reduction</c>, <c>norm{last stage}</c>, <c>head.fc</c>).
/// </summary>
/// <remarks>
/// torchvision's patch merging concatenates the four neighbours of each 2 x 2 block, mmcv's
/// unfolds them channel by channel (<see cref="Layers.PatchMerging"/>), so the merging's norm and
/// the input channels of its reduction are permuted; torchvision keeps the position index flat,
/// mmpretrain square.
/// </remarks>
public sealed partial class SwinTransformerKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "SwinTransformer";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is SwinTransformer && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lastStage = (backbone as SwinTransformer)?.Depths.Count - 1 ?? 3;
        if (key.StartsWith("head.", StringComparison.Ordinal))
        {
            return "head.fc." + key["head.".Length..];
        }

        if (key.StartsWith("norm.", StringComparison.Ordinal))
        {
            return $"backbone.norm{lastStage}.{key["norm.".Length..]}";
        }

        if (PatchEmbedding().Match(key) is { Success: true } embedding)
        {
            return $"backbone.patch_embed.{(embedding.Groups[1].Value == "0" ? "projection" : "norm")}.{embedding.Groups[2].Value}";
        }

        if (Merging().Match(key) is { Success: true } merging)
        {
            return $"backbone.stages.{(Number(merging.Groups[1]) / 2) - 1}.downsample.{merging.Groups[2].Value}";
        }

        if (Block().Match(key) is not { Success: true } block)
        {
            return null;
        }

        var part = block.Groups[3].Value switch
        {
            "norm1" or "norm2" => block.Groups[3].Value,
            "attn.qkv" or "attn.proj" or "attn.relative_position_bias_table" or "attn.relative_position_index" => "attn.w_msa." + block.Groups[3].Value["attn.".Length..],
            "mlp.0" => "ffn.layers.0.0",
            "mlp.3" => "ffn.layers.1",
            _ => null,
        };
        var stage = (Number(block.Groups[1]) - 1) / 2;
        return part is null ? null : $"backbone.stages.{stage}.blocks.{block.Groups[2].Value}.{part}{block.Groups[4].Value}";
    }

    /// <inheritdoc />
    public Tensor MapTensor(string key, Tensor tensor, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tensor);
        if (key.EndsWith(".relative_position_index", StringComparison.Ordinal))
        {
            var area = (long)Math.Round(Math.Sqrt(tensor.numel()));
            return tensor.reshape(area, area);
        }

        if (!Merging().IsMatch(key))
        {
            return tensor;
        }

        // torchvision's channel k * C + c (neighbour k of (0, 0), (1, 0), (0, 1), (1, 1), so
        // k = row + 2 * column) becomes mmcv's c * 4 + 2 * row + column.
        var channels = tensor.shape[^1] / 4;
        var leading = tensor.shape[..^1];
        var byNeighbour = tensor.reshape([.. leading, 2, 2, channels]);
        var last = leading.Length;
        long[] order = [.. Enumerable.Range(0, last).Select(dim => (long)dim), last + 2, last + 1, last];
        return byNeighbour.permute(order).reshape(tensor.shape);
    }

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^features\.0\.([02])\.(weight|bias)$")]
    private static partial Regex PatchEmbedding();

    [GeneratedRegex(@"^features\.(\d*[2468]|\d+0)\.(reduction\.weight|norm\.weight|norm\.bias)$")]
    private static partial Regex Merging();

    [GeneratedRegex(@"^features\.(\d*[13579])\.(\d+)\.(norm[12]|attn\.qkv|attn\.proj|attn\.relative_position_bias_table|attn\.relative_position_index|mlp\.[03])(\..+)?$")]
    private static partial Regex Block();
}
