using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Global response normalization (ConvNeXt V2), mmpretrain's <c>GRN</c>: each channel's L2 norm
/// over the spatial positions, divided by the mean of those norms over the channels, rescales the
/// input; x + gamma * (x * that) + beta. Parameters <c>gamma</c> and <c>beta</c> (C), both zero at
/// first, so the layer starts as the identity. Takes (N, C, H, W) or, channels last, (N, H, W, C).
/// </summary>
public sealed class GRN : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly TorchSharp.Modules.Parameter gamma;
    private readonly TorchSharp.Modules.Parameter beta;

    private readonly Scalar eps;

    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="eps">Added to the mean norm before dividing by it.</param>
    public GRN(int inChannels, double eps = 1e-6)
        : base(nameof(GRN))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        gamma = new TorchSharp.Modules.Parameter(torch.zeros(inChannels));
        beta = new TorchSharp.Modules.Parameter(torch.zeros(inChannels));
        this.eps = eps.ToScalar();
        RegisterComponents();
    }

    /// <summary>Normalises a (N, C, H, W) map.</summary>
    public override Tensor forward(Tensor input) => Forward(input, channelsLast: false);

    /// <summary>Normalises a (N, C, H, W) map, or with <paramref name="channelsLast"/> a (N, H, W, C) one.</summary>
    public Tensor Forward(Tensor input, bool channelsLast)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        long[] spatial = channelsLast ? [1, 2] : [2, 3];
        var channelDim = channelsLast ? -1L : 1L;
        var norms = torch.linalg.vector_norm(input, 2, spatial, keepdim: true);
        var scale = norms.div(norms.mean([channelDim], keepdim: true).add_(eps, ScalarConstants.One));
        var (g, b) = channelsLast ? ((Tensor)gamma, (Tensor)beta) : (gamma.view(1, -1, 1, 1), beta.view(1, -1, 1, 1));
        return input.mul(scale).mul(g).add_(b, ScalarConstants.One).add_(input, ScalarConstants.One).MoveToOuterDisposeScope();
    }

    /// <summary>The (N, C, H, W) form of <see cref="ExportOnnx(OnnxGraphBuilder, string, bool)"/>.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [ExportOnnx(graph, inputs[0], channelsLast: false)];
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph: ReduceL2 over the positions, its ReduceMean over the
    /// channels, and the affine rescale. Call it with this layer current (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <returns>The output value.</returns>
    public string ExportOnnx(OnnxGraphBuilder graph, string input, bool channelsLast)
    {
        ArgumentNullException.ThrowIfNull(graph);
        long[] spatial = channelsLast ? [1, 2] : [2, 3];
        var channelAxis = channelsLast ? -1L : 1L;
        var norms = graph.Node("ReduceL2", [input], OnnxAttribute.Ints("axes", spatial), OnnxAttribute.Int("keepdims", 1));
        var meanNorm = graph.Node("ReduceMean", [norms], OnnxAttribute.Ints("axes", channelAxis), OnnxAttribute.Int("keepdims", 1));
        var scale = graph.Node("Div", [norms, graph.Node("Add", [meanNorm, graph.Scalar((float)eps.ToDouble())])]);
        var (g, b) = (graph.Parameter(gamma, nameof(gamma)), graph.Parameter(beta, nameof(beta)));
        if (!channelsLast)
        {
            (g, b) = (OnnxOperators.Reshape(graph, g, 1, -1, 1, 1), OnnxOperators.Reshape(graph, b, 1, -1, 1, 1));
        }

        var rescaled = graph.Node("Add", [graph.Node("Mul", [graph.Node("Mul", [input, scale]), g]), b]);
        return graph.Node("Add", [rescaled, input]);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            eps.Dispose();
        }

        base.Dispose(disposing);
    }
}
