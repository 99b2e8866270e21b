using System.Text.RegularExpressions;
using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// The Vision Transformer from torchvision (<c>vit_b_16</c>, <c>vit_l_16</c>, ...: <c>class_token</c>,
/// <c>conv_proj</c>, <c>encoder.pos_embedding</c>, <c>encoder.layers.encoder_layer_N</c> with
/// <c>ln_1</c>, <c>self_attention</c>, <c>ln_2</c>, <c>mlp</c>, then <c>encoder.ln</c> and
/// <c>heads.pre_logits</c>/<c>heads.head</c>) to mmpretrain's (<c>cls_token</c>,
/// <c>patch_embed.projection</c>, <c>pos_embed</c>, <c>layers.N.ln1/attn/ln2/ffn</c>, <c>ln1</c>,
/// <c>head.layers.pre_logits/head</c>). Only names change: torch's fused <c>in_proj_weight</c>
/// stacks the query, key and value projections in the order mmpretrain's <c>qkv</c> splits them.
/// The MLP is <c>mlp.0</c>/<c>mlp.3</c> since torchvision 0.13 and <c>mlp.linear_1</c>/<c>linear_2</c>
/// in older checkpoints; both are read.
/// <para>
/// From timm (<c>vit_*</c>, <c>deit_*</c> and the distilled <c>deit_*_distilled</c>, as the DeiT
/// authors' own checkpoints): <c>cls_token</c>, <c>dist_token</c>, <c>pos_embed</c>,
/// <c>patch_embed.proj</c>, <c>blocks.N.norm1/attn.qkv/attn.proj/norm2/mlp.fc1/mlp.fc2</c> and the
/// layer scales <c>blocks.N.ls1.gamma</c>/<c>ls2.gamma</c>, then <c>norm</c>, <c>head</c> and
/// <c>head_dist</c>; timm's qkv has mmpretrain's layout too. Models pooled by timm's
/// <c>fc_norm</c> have no place here and are reported.
/// </para>
/// </summary>
public sealed partial class VisionTransformerKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "VisionTransformer";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is VisionTransformer && source is WeightSource.Torchvision or WeightSource.Timm;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        return source == WeightSource.Timm ? MapTimm(key) : MapTorchvision(key);
    }

    private static string? MapTimm(string key)
    {
        switch (key)
        {
            case "cls_token" or "dist_token" or "pos_embed":
                return "backbone." + key;
        }

        var top = Moved(key, "patch_embed.proj.", "backbone.patch_embed.projection.") ?? Moved(key, "norm.", "backbone.ln1.")
            ?? Moved(key, "head.", "head.layers.head.") ?? Moved(key, "head_dist.", "head.layers.head_dist.");
        if (top is not null)
        {
            return top;
        }

        var match = TimmBlock().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var part = match.Groups[2].Value switch
        {
            "norm1" => "ln1",
            "norm2" => "ln2",
            "attn.qkv" => "attn.qkv",
            "attn.proj" => "attn.proj",
            "mlp.fc1" => "ffn.layers.0.0",
            "mlp.fc2" => "ffn.layers.1",
            "ls1" => "attn.gamma1",
            "ls2" => "ffn.gamma2",
            _ => null,
        };

        // timm's LayerScale calls its factors gamma, mmpretrain's and mmcv's weight.
        var parameter = match.Groups[3].Value == "gamma" ? "weight" : match.Groups[3].Value;
        return part is null ? null : $"backbone.layers.{match.Groups[1].Value}.{part}.{parameter}";
    }

    private static string? MapTorchvision(string key)
    {
        switch (key)
        {
            case "class_token":
                return "backbone.cls_token";
            case "encoder.pos_embedding":
                return "backbone.pos_embed";
        }

        var top = Moved(key, "conv_proj.", "backbone.patch_embed.projection.") ?? Moved(key, "encoder.ln.", "backbone.ln1.")
            ?? Moved(key, "heads.head.", "head.layers.head.") ?? Moved(key, "heads.pre_logits.", "head.layers.pre_logits.");
        if (top is not null)
        {
            return top;
        }

        var match = EncoderLayer().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var part = match.Groups[2].Value switch
        {
            "ln_1" => "ln1",
            "ln_2" => "ln2",
            "self_attention.out_proj" => "attn.proj",
            "mlp.0" or "mlp.linear_1" => "ffn.layers.0.0",
            "mlp.3" or "mlp.linear_2" => "ffn.layers.1",
            _ => null,
        };
        var parameter = match.Groups[3].Value;
        if (match.Groups[2].Value == "self_attention" && parameter is "in_proj_weight" or "in_proj_bias")
        {
            (part, parameter) = ("attn.qkv", parameter == "in_proj_weight" ? "weight" : "bias");
        }

        return part is null ? null : $"backbone.layers.{match.Groups[1].Value}.{part}.{parameter}";
    }

    // key with its leading prefix replaced by target, or null when it does not start with prefix.
    private static string? Moved(string key, string prefix, string target) =>
        key.StartsWith(prefix, StringComparison.Ordinal) ? target + key[prefix.Length..] : null;

    // encoder.layers.encoder_layer_N.<module>.<parameter>; the module may itself be dotted (mlp.0).
    [GeneratedRegex(@"^encoder\.layers\.encoder_layer_(\d+)\.(.+)\.([A-Za-z_]+)$")]
    private static partial Regex EncoderLayer();

    // blocks.N.<module>.<parameter>; the module may itself be dotted (attn.qkv).
    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)\.([A-Za-z_]+)$")]
    private static partial Regex TimmBlock();
}
