using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Stochastic depth (mmcv's <c>DropPath</c>): in training, zeroes the whole input of a sample with
/// probability <c>dropProb</c> and scales the kept samples by 1 / (1 - dropProb), so the expected
/// value is unchanged; in evaluation it is the identity. Any shape (N, ...) in, the same shape out.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly double dropProb;

    /// <summary>Creates the module.</summary>
    /// <param name="dropProb">Probability of dropping a sample's path, in [0, 1).</param>
    public DropPath(double dropProb)
        : base(nameof(DropPath))
    {
        if (dropProb is < 0 or >= 1 || double.IsNaN(dropProb))
        {
            throw new ArgumentOutOfRangeException(nameof(dropProb), dropProb, "The drop probability must lie in [0, 1).");
        }

        this.dropProb = dropProb;
    }

    /// <summary>The probability of dropping a sample's path.</summary>
    public double DropProb => dropProb;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || dropProb == 0)
        {
            return input;
        }

        var keep = 1 - dropProb;
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = input.shape[0];

        // One keep-or-drop draw per sample, shared by all its elements.
        using var mask = torch.empty(shape, dtype: input.dtype, device: input.device).bernoulli_(keep);
        using var keepScalar = keep.ToScalar();
        return input.div(keepScalar).mul_(mask);
    }

    /// <summary>Nothing: in evaluation mode the path is always kept.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs) => inputs;
}
