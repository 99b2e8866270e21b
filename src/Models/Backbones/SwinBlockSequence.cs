using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// mmpretrain's <c>SwinBlockSequence</c>, one stage of a Swin Transformer: <c>blocks</c> of
/// <see cref="SwinBlock"/>, plain and shifted windows in turn, then optionally a
/// <see cref="PatchMerging"/> (<c>downsample</c>) that halves the map and doubles the channels.
/// </summary>
public sealed class SwinBlockSequence : nn.Module
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly ModuleList<SwinBlock> blocks;
    private readonly PatchMerging? downsample;

    /// <summary>Creates the stage.</summary>
    /// <param name="embedDims">Channels of each token.</param>
    /// <param name="depth">How many blocks.</param>
    /// <param name="numHeads">Attention heads of each block.</param>
    /// <param name="windowSize">Side of the square window.</param>
    /// <param name="downsample">End with patch merging to twice the channels.</param>
    /// <param name="dropPaths">The drop path probability of each block, one per block.</param>
    /// <param name="padSmallMap">See <see cref="ShiftWindowMSA"/>.</param>
    public SwinBlockSequence(int embedDims, int depth, int numHeads, int windowSize, bool downsample, IReadOnlyList<double> dropPaths, bool padSmallMap = false)
        : base(nameof(SwinBlockSequence))
    {
        ArgumentNullException.ThrowIfNull(dropPaths);
        if (dropPaths.Count != depth)
        {
            throw new ArgumentException($"{dropPaths.Count} drop path rates for {depth} blocks.", nameof(dropPaths));
        }

        blocks = new ModuleList<SwinBlock>([.. Enumerable.Range(0, depth)
            .Select(block => new SwinBlock(embedDims, numHeads, windowSize, shift: block % 2 == 1, dropPath: dropPaths[block], padSmallMap: padSmallMap))]);
        this.downsample = downsample ? new PatchMerging(embedDims, 2 * embedDims) : null;
        OutChannels = downsample ? 2 * embedDims : embedDims;
        RegisterComponents();
    }

    /// <summary>Channels after the stage: twice the input's with downsampling.</summary>
    public int OutChannels { get; }

    /// <summary>The patch merging at the end of the stage; null for none.</summary>
    public PatchMerging? Downsample => downsample;

    /// <summary>Runs the blocks (not the downsampling) on a token map.</summary>
    /// <param name="input">(N, H * W, C) tokens, row by row.</param>
    /// <param name="height">H, the map's rows.</param>
    /// <param name="width">W, the map's columns.</param>
    /// <returns>(N, H * W, C).</returns>
    public Tensor ForwardBlocks(Tensor input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var output = input;
        foreach (var block in blocks)
        {
            output = block.Forward(output, height, width);
        }

        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="ForwardBlocks"/> in an ONNX graph for a map of <paramref name="height"/> x
    /// <paramref name="width"/>, fixed when exporting. Call it with this stage current
    /// (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <returns>The output value, (N, H * W, C).</returns>
    public string ExportOnnxBlocks(OnnxGraphBuilder graph, string input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var output = input;
        foreach (var block in blocks)
        {
            output = graph.ExportWithin(block, () => block.ExportOnnx(graph, output, height, width));
        }

        return output;
    }
}
