using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmpretrain's <c>resize_pos_embed</c>: a learned position embedding (1, extra + H * W, C) made for
/// one patch grid, resized to another by interpolating its grid part as a (1, C, H, W) image
/// (bicubic by default, align_corners false, in float32); the extra tokens' rows (the class token)
/// are kept as they are.
/// </summary>
public static class PositionEmbedding
{
    /// <summary>The interpolation modes a config may name: mmpretrain's interpolate_mode values that apply to a 2-D grid.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["nearest", "bilinear", "bicubic", "area"];

    /// <summary>
    /// <paramref name="posEmbed"/> resized from the grid <paramref name="source"/> to
    /// <paramref name="target"/>; the input itself (not a copy) when the grids are equal.
    /// </summary>
    /// <param name="posEmbed">The embedding, (1, extra + source rows * source columns, C).</param>
    /// <param name="source">The grid it was made for (rows, columns).</param>
    /// <param name="target">The grid wanted.</param>
    /// <param name="mode">"bicubic", "bilinear", "nearest" or "area".</param>
    /// <param name="numExtraTokens">Leading rows that are not grid positions (1 for the class token).</param>
    /// <exception cref="ArgumentException">The embedding's length is not extra + rows * columns of <paramref name="source"/>, or the mode is unknown.</exception>
    public static Tensor Resize(Tensor posEmbed, (long Height, long Width) source, (long Height, long Width) target, string mode = "bicubic", int numExtraTokens = 1)
    {
        ArgumentNullException.ThrowIfNull(posEmbed);
        if (source == target)
        {
            return posEmbed;
        }

        var interpolation = mode switch
        {
            "nearest" => InterpolationMode.Nearest,
            "bilinear" => InterpolationMode.Bilinear,
            "bicubic" => InterpolationMode.Bicubic,
            "area" => InterpolationMode.Area,
            _ => throw new ArgumentException($"The position embedding is resized with one of {string.Join(", ", Modes)}, not \"{mode}\".", nameof(mode)),
        };
        var channels = posEmbed.shape[^1];
        if (posEmbed.dim() != 3 || posEmbed.shape[1] != numExtraTokens + (source.Height * source.Width))
        {
            throw new ArgumentException(
                $"A position embedding for a {source.Height}x{source.Width} grid has shape (1, {numExtraTokens + (source.Height * source.Width)}, C), not ({string.Join(", ", posEmbed.shape)}): check img_size and patch_size.",
                nameof(posEmbed));
        }

        using var scope = torch.NewDisposeScope();
        var extra = posEmbed[.., ..numExtraTokens];
        var grid = posEmbed[.., numExtraTokens..].reshape(1, source.Height, source.Width, channels).permute(0, 3, 1, 2);

        // Interpolated in float32 whatever the dtype, as mmpretrain does: its bicubic kernel takes no other.
        bool? alignCorners = interpolation is InterpolationMode.Nearest or InterpolationMode.Area ? null : false;
        var resized = nn.functional.interpolate(grid.to_type(ScalarType.Float32), [target.Height, target.Width], mode: interpolation, align_corners: alignCorners);
        var tokens = resized.flatten(2).transpose(1, 2).to_type(posEmbed.dtype);
        return torch.cat([extra, tokens], 1).MoveToOuterDisposeScope();
    }
}
