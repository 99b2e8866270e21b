using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Heads;

/// <summary>
/// One layer of <see cref="StackedLinearClsHead"/>: fc, then the optional norm, activation and
/// dropout, (N, in_channels) to (N, out_channels).
/// </summary>
public sealed class LinearBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys (layers.0.fc.weight,
    // layers.0.norm.running_mean); absent parts are null and have no keys.
    private readonly Linear fc;
    private readonly nn.Module<Tensor, Tensor>? norm;
    private readonly nn.Module<Tensor, Tensor>? act;
    private readonly Dropout? dropout;

    /// <summary>Creates the block; fc has TorchSharp's (PyTorch's) default initialisation.</summary>
    /// <param name="inChannels">Width of the input.</param>
    /// <param name="outChannels">Width of the output.</param>
    /// <param name="dropoutRate">Dropout after the activation; none when 0.</param>
    /// <param name="norm">A normalisation of the outChannels features after fc, or null.</param>
    /// <param name="act">An activation after the norm, or null.</param>
    public LinearBlock(int inChannels, int outChannels, double dropoutRate = 0, nn.Module<Tensor, Tensor>? norm = null, nn.Module<Tensor, Tensor>? act = null)
        : base(nameof(LinearBlock))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        if (!(dropoutRate >= 0 && dropoutRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropoutRate), dropoutRate, "dropoutRate must lie in [0, 1).");
        }

        fc = nn.Linear(inChannels, outChannels);
        this.norm = norm;
        this.act = act;
        dropout = dropoutRate > 0 ? nn.Dropout(dropoutRate) : null;
        RegisterComponents();
    }

    /// <summary>The block's linear layer.</summary>
    public Linear Fc => fc;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = fc.call(input);
        if (norm is not null)
        {
            output = norm.call(output);
        }

        if (act is not null)
        {
            output = act.call(output);
        }

        if (dropout is not null)
        {
            output = dropout.call(output);
        }

        return output;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Chain(inputs[0], fc, norm, act, dropout)];
    }
}
