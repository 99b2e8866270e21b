using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmpretrain's <c>ShiftWindowMSA</c>: a (N, H * W, C) token map, row by row, padded at the bottom
/// and right to whole windows, optionally rolled up and left by <c>shift_size</c> (Swin's shifted
/// windows, with a mask of -100 between tokens that the roll brought together from different
/// regions), cut into windows for <see cref="WindowMSA"/> (<c>w_msa</c>), put back, unrolled,
/// cropped, and passed through drop path (<c>drop</c>). Out, the same shape.
/// </summary>
/// <remarks>
/// As mmpretrain, a map whose shorter side equals the window is not shifted unless
/// <c>pad_small_map</c>, and a shorter side below the window is an error unless
/// <c>pad_small_map</c> (which pads it to one window).
/// </remarks>
public sealed class ShiftWindowMSA : nn.Module
{
    // Below this the logits of a masked pair vanish in the softmax, as in mmpretrain.
    private const float MaskedLogit = -100f;

    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly WindowMSA w_msa;
    private readonly nn.Module<Tensor, Tensor> drop;
    private readonly int windowSize;
    private readonly int shiftSize;
    private readonly bool padSmallMap;

    /// <summary>Creates the attention.</summary>
    /// <param name="embedDims">Channels of each token.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="windowSize">Side of the square window.</param>
    /// <param name="shiftSize">The roll towards the top left, 0 (plain windows) up to window_size - 1.</param>
    /// <param name="dropPath">Drop path probability of the output.</param>
    /// <param name="padSmallMap">Pad maps smaller than a window and shift maps of one window, instead of refusing the first and not shifting the second.</param>
    /// <param name="qkvBias">Whether the query, key and value projection has a bias.</param>
    /// <param name="attnDrop">Dropout on the attention weights.</param>
    /// <param name="projDrop">Dropout on the attention's output.</param>
    public ShiftWindowMSA(int embedDims, int numHeads, int windowSize, int shiftSize = 0, double dropPath = 0, bool padSmallMap = false, bool qkvBias = true, double attnDrop = 0, double projDrop = 0)
        : base(nameof(ShiftWindowMSA))
    {
        if (shiftSize < 0 || shiftSize >= windowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(shiftSize), shiftSize, $"The shift must lie in [0, {windowSize}), the window size.");
        }

        this.windowSize = windowSize;
        this.shiftSize = shiftSize;
        this.padSmallMap = padSmallMap;
        w_msa = new WindowMSA(embedDims, windowSize, numHeads, qkvBias, attnDrop: attnDrop, projDrop: projDrop);
        drop = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        RegisterComponents();
    }

    /// <summary>Attention within (shifted) windows of a token map.</summary>
    /// <param name="query">(N, H * W, C) tokens, row by row.</param>
    /// <param name="height">H, the map's rows.</param>
    /// <param name="width">W, the map's columns.</param>
    /// <returns>(N, H * W, C).</returns>
    /// <exception cref="ArgumentException">The token count is not H * W, or the map is smaller than a window without <c>pad_small_map</c>.</exception>
    public Tensor Forward(Tensor query, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (batch, length, channels) = (query.shape[0], query.shape[1], query.shape[2]);
        if (length != height * width)
        {
            throw new ArgumentException($"{length} tokens do not make a {height} x {width} map.", nameof(query));
        }

        var shift = (long)shiftSize;
        var smaller = Math.Min(height, width);
        if (smaller == windowSize && !padSmallMap)
        {
            shift = 0;
        }
        else if (smaller < windowSize && !padSmallMap)
        {
            throw new ArgumentException($"The {height} x {width} map is smaller than the window ({windowSize}): set pad_small_map, or a smaller window_size.", nameof(query));
        }

        using var scope = torch.NewDisposeScope();
        var padRight = (windowSize - (width % windowSize)) % windowSize;
        var padBottom = (windowSize - (height % windowSize)) % windowSize;
        var map = nn.functional.pad(query.view(batch, height, width, channels), [0, 0, 0, padRight, 0, padBottom]);
        var (paddedHeight, paddedWidth) = (height + padBottom, width + padRight);
        if (shift > 0)
        {
            map = map.roll([-shift, -shift], [1, 2]);
        }

        var mask = shift > 0 ? AttentionMask(paddedHeight, paddedWidth, shift, query) : null;
        var rows = paddedHeight / windowSize;
        var columns = paddedWidth / windowSize;
        var windows = map.view(batch, rows, windowSize, columns, windowSize, channels).permute(0, 1, 3, 2, 4, 5)
            .reshape(-1, windowSize * windowSize, channels);
        var attended = w_msa.Forward(windows, mask)
            .view(batch, rows, columns, windowSize, windowSize, channels).permute(0, 1, 3, 2, 4, 5)
            .reshape(batch, paddedHeight, paddedWidth, channels);
        if (shift > 0)
        {
            attended = attended.roll([shift, shift], [1, 2]);
        }

        if (padRight > 0 || padBottom > 0)
        {
            attended = attended.narrow(1, 0, height).narrow(2, 0, width);
        }

        return drop.call(attended.reshape(batch, height * width, channels)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph for a map of <paramref name="height"/> x
    /// <paramref name="width"/>, fixed when exporting: the padding a Pad, the rolls slices
    /// concatenated in turn, the window partition reshapes and transposes, the mask a constant of
    /// this size. Call it with this attention current (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <returns>The output value, (N, H * W, C).</returns>
    public string ExportOnnx(OnnxGraphBuilder graph, string query, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var shift = (long)shiftSize;
        var smaller = Math.Min(height, width);
        if (smaller == windowSize && !padSmallMap)
        {
            shift = 0;
        }
        else if (smaller < windowSize && !padSmallMap)
        {
            throw graph.Unsupported($"gets a {height} x {width} map, smaller than its window ({windowSize}): set pad_small_map, or a smaller window_size");
        }

        using var scope = torch.NewDisposeScope();
        var channels = w_msa.EmbedDims;
        var padRight = (windowSize - (width % windowSize)) % windowSize;
        var padBottom = (windowSize - (height % windowSize)) % windowSize;
        var (paddedHeight, paddedWidth) = (height + padBottom, width + padRight);
        var map = OnnxOperators.Reshape(graph, query, -1, height, width, channels);
        if (padRight > 0 || padBottom > 0)
        {
            map = graph.Node("Pad", [map, graph.Int64s(0, 0, 0, 0, 0, padBottom, padRight, 0)]);
        }

        map = OnnxOperators.Roll(graph, OnnxOperators.Roll(graph, map, -shift, 1, paddedHeight), -shift, 2, paddedWidth);
        var mask = shift > 0 ? AttentionMask(paddedHeight, paddedWidth, shift, torch.empty(0)) : null;
        var (rows, columns) = (paddedHeight / windowSize, paddedWidth / windowSize);
        var windows = OnnxOperators.Reshape(graph, map, -1, rows, windowSize, columns, windowSize, channels);
        windows = OnnxOperators.Reshape(graph, OnnxOperators.Transpose(graph, windows, 0, 1, 3, 2, 4, 5), -1, windowSize * windowSize, channels);
        var attended = graph.ExportWithin(w_msa, () => w_msa.ExportOnnx(graph, windows, mask));
        attended = OnnxOperators.Reshape(graph, attended, -1, rows, columns, windowSize, windowSize, channels);
        attended = OnnxOperators.Reshape(graph, OnnxOperators.Transpose(graph, attended, 0, 1, 3, 2, 4, 5), -1, paddedHeight, paddedWidth, channels);
        attended = OnnxOperators.Roll(graph, OnnxOperators.Roll(graph, attended, shift, 1, paddedHeight), shift, 2, paddedWidth);
        if (padRight > 0 || padBottom > 0)
        {
            attended = OnnxOperators.Slice(graph, OnnxOperators.Slice(graph, attended, 1, 0, height), 2, 0, width);
        }

        return graph.Export(drop, OnnxOperators.Reshape(graph, attended, -1, height * width, channels));
    }

    // After the roll the padded map has three bands of rows (and of columns): the rows that stayed,
    // the last window's rows that were not rolled over, and the rows that came round from the top.
    // Tokens of one window attend only to tokens of the same band pair.
    private Tensor AttentionMask(long height, long width, long shift, Tensor like)
    {
        static int Band(long position, long size, long window, long shift) =>
            position < size - window ? 0 : position < size - shift ? 1 : 2;

        var area = windowSize * windowSize;
        var rows = height / windowSize;
        var columns = width / windowSize;
        var mask = new float[rows * columns * area * area];
        var regions = new int[area];
        for (var window = 0L; window < rows * columns; window++)
        {
            for (var token = 0; token < area; token++)
            {
                var row = ((window / columns) * windowSize) + (token / windowSize);
                var column = ((window % columns) * windowSize) + (token % windowSize);
                regions[token] = (3 * Band(row, height, windowSize, shift)) + Band(column, width, windowSize, shift);
            }

            var offset = window * area * area;
            for (var a = 0; a < area; a++)
            {
                for (var b = 0; b < area; b++)
                {
                    mask[offset + (a * area) + b] = regions[a] == regions[b] ? 0f : MaskedLogit;
                }
            }
        }

        return torch.tensor(mask, new long[] { rows * columns, area, area }).to(like.dtype, like.device);
    }
}
