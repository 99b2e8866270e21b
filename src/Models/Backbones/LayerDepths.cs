namespace ImageClassifier.Models.Backbones;

/// <summary>
/// mmpretrain's layer numberings for layer-wise learning-rate decay (the <c>get_layer_depth</c> of
/// its backbones), as functions of a parameter's name, for backbones that implement
/// <see cref="ILayerDepth"/>. Each returns the layer (0 for the stem) and the layer count; a name
/// that does not start with <c>prefix</c> belongs to the modules after the backbone and takes the last layer.
/// </summary>
public static class LayerDepths
{
    /// <summary>ResNet's (mmpretrain's <c>ResNet.get_layer_depth</c>): the stem is layer 0, layer1 is 1, layer2 and layer3 are split into groups of blocks, layer4 is one layer, and the head one more.</summary>
    /// <param name="parameterName">The parameter's full name.</param>
    /// <param name="prefix">The backbone's prefix, such as <c>backbone.</c>.</param>
    /// <param name="stageBlocks">The blocks of each stage (3, 4, 6, 3 for ResNet-50).</param>
    /// <exception cref="NotSupportedException">The stages are not those of ResNet-34/50 (3, 4, 6, 3), 101 (3, 4, 23, 3), 152 (3, 8, 36, 3) or 200 (3, 24, 36, 3), which mmpretrain numbers.</exception>
    public static (int LayerId, int LayerCount) ResNet(string parameterName, string prefix, IReadOnlyList<int> stageBlocks)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(stageBlocks);
        var (blocksPerLayer2, blocksPerLayer3) = stageBlocks.Count < 3 ? (0, 0) : (stageBlocks[1], stageBlocks[2]) switch
        {
            (4, 6) or (4, 23) => (2, 3),
            (8, 36) or (24, 36) => (4, 4),
            (30, 48) => (5, 6),
            _ => (0, 0),
        };
        if (blocksPerLayer2 == 0)
        {
            throw new NotSupportedException($"mmpretrain numbers the layers of ResNets with the stages of ResNet-34, 50, 101, 152 and 200 only, not ({string.Join(", ", stageBlocks)})");
        }

        var layer2Groups = CeilingOfRatio(stageBlocks[1], blocksPerLayer2);
        var layer3Groups = CeilingOfRatio(stageBlocks[2], blocksPerLayer3);
        var layer4Id = 2 + layer2Groups + layer3Groups;
        var headId = layer4Id + 1;
        if (!parameterName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (headId, headId + 1);
        }

        var local = parameterName[prefix.Length..];
        if (!local.StartsWith("layer", StringComparison.Ordinal))
        {
            return (0, headId + 1);
        }

        var parts = local.Split('.');
        var stage = int.Parse(parts[0]["layer".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var block = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var layerId = stage switch
        {
            1 => 1,
            2 => 2 + (block / blocksPerLayer2),
            3 => 2 + layer2Groups + (block / blocksPerLayer3),
            _ => layer4Id,
        };
        return (layerId, headId + 1);
    }

    /// <summary>
    /// ConvNeXt's: the stem (downsample_layers.0) is layer 0, stages 0 and 1 and their downsampling
    /// layers 1 and 2, stage 2 in groups of three blocks, stage 3 with its downsampling layer one
    /// layer, the final norm one more, and the head the last.
    /// </summary>
    /// <param name="parameterName">The parameter's full name.</param>
    /// <param name="prefix">The backbone's prefix, such as <c>backbone.</c>.</param>
    /// <param name="depths">The blocks of each of the four stages (3, 3, 9, 3 for ConvNeXt-T).</param>
    public static (int LayerId, int LayerCount) ConvNeXt(string parameterName, string prefix, IReadOnlyList<int> depths)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(depths);
        var lastStageId = depths[^2] > 9 ? 12 : 6;
        if (!parameterName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (lastStageId + 1, lastStageId + 2);
        }

        var parts = parameterName[prefix.Length..].Split('.');
        var layerId = parts[0] switch
        {
            "downsample_layers" => Index(parts, 1) switch
            {
                0 => 0,
                1 or 2 => Index(parts, 1) + 1,
                _ => lastStageId,
            },
            "stages" => Index(parts, 1) switch
            {
                0 or 1 => Index(parts, 1) + 1,
                2 => 3 + (Index(parts, 2) / 3),
                _ => lastStageId,
            },
            _ => lastStageId + 1,
        };
        return (layerId, lastStageId + 2);
    }

    /// <summary>
    /// Swin Transformer's: the patch embedding is layer 0, each block of each stage one layer in
    /// order, a stage's downsampling (<c>reduction</c>, <c>norm</c>) the stage's last, and everything
    /// else (the final norms, the head) the last layer.
    /// </summary>
    /// <param name="parameterName">The parameter's full name.</param>
    /// <param name="prefix">The backbone's prefix, such as <c>backbone.</c>.</param>
    /// <param name="depths">The blocks of each stage (2, 2, 6, 2 for Swin-T).</param>
    public static (int LayerId, int LayerCount) SwinTransformer(string parameterName, string prefix, IReadOnlyList<int> depths)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(depths);
        var layerCount = depths.Sum() + 2;
        if (!parameterName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (layerCount - 1, layerCount);
        }

        var local = parameterName[prefix.Length..];
        if (local.StartsWith("patch_embed", StringComparison.Ordinal))
        {
            return (0, layerCount);
        }

        if (!local.StartsWith("stages", StringComparison.Ordinal))
        {
            return (layerCount - 1, layerCount);
        }

        var parts = local.Split('.');
        var stage = Index(parts, 1);
        var layerId = parts[3] is "reduction" or "norm"
            ? depths.Take(stage + 1).Sum()
            : depths.Take(stage).Sum() + Index(parts, 3) + 1;
        return (layerId, layerCount);
    }

    /// <summary>
    /// The Vision Transformer's (and BEiT's, DeiT's): <c>cls_token</c>, <c>dist_token</c>, <c>pos_embed</c> and the patch
    /// embedding are layer 0, encoder layer i is layer i + 1, and everything else (the final norm,
    /// the head) the last layer.
    /// </summary>
    /// <param name="parameterName">The parameter's full name.</param>
    /// <param name="prefix">The backbone's prefix, such as <c>backbone.</c>.</param>
    /// <param name="numLayers">The encoder layers (12 for ViT-B).</param>
    public static (int LayerId, int LayerCount) VisionTransformer(string parameterName, string prefix, int numLayers)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        ArgumentNullException.ThrowIfNull(prefix);
        var layerCount = numLayers + 2;
        if (!parameterName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (layerCount - 1, layerCount);
        }

        var local = parameterName[prefix.Length..];
        // The distilled DeiT's dist_token is an embedding too (timm's DeiT groups it with its stem;
        // mmpretrain's layer-decay names only cls_token, pos_embed and mask_token).
        var layerId = local is "cls_token" or "dist_token" or "pos_embed" || local.StartsWith("patch_embed", StringComparison.Ordinal) ? 0
            : local.StartsWith("layers", StringComparison.Ordinal) ? Index(local.Split('.'), 1) + 1
            : layerCount - 1;
        return (layerId, layerCount);
    }

    private static int Index(string[] parts, int position) => int.Parse(parts[position], System.Globalization.CultureInfo.InvariantCulture);

    // mmpretrain's math.ceil(blocks / per_layer - 1e-5): a whole ratio is not rounded up.
    private static int CeilingOfRatio(int blocks, int perLayer) => (blocks + perLayer - 1) / perLayer;
}
