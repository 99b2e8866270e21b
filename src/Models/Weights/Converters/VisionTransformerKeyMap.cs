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
/// </summary>
public sealed partial class VisionTransformerKeyMap : IStateDictKeyMap
{
    /// <inheritdoc />
    public string Family => "VisionTransformer";

    /// <inheritdoc />
    public bool Handles(Backbone backbone, WeightSource source) => backbone is VisionTransformer && source == WeightSource.Torchvision;

    /// <inheritdoc />
    public string? Map(string key, Backbone backbone, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(key);
        switch (key)
        {
            case "class_token":
                return "backbone.cls_token";
            case "encoder.pos_embedding":
                return "backbone.pos_embed";
        }

        string? Top(string prefix, string target) =>
            key.StartsWith(prefix, StringComparison.Ordinal) ? target + key[prefix.Length..] : null;

        var top = Top("conv_proj.", "backbone.patch_embed.projection.") ?? Top("encoder.ln.", "backbone.ln1.")
            ?? Top("heads.head.", "head.layers.head.") ?? Top("heads.pre_logits.", "head.layers.pre_logits.");
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

    // encoder.layers.encoder_layer_N.<module>.<parameter>; the module may itself be dotted (mlp.0).
    [GeneratedRegex(@"^encoder\.layers\.encoder_layer_(\d+)\.(.+)\.([A-Za-z_]+)$")]
    private static partial Regex EncoderLayer();
}
