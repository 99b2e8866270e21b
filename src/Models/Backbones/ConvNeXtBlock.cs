using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// mmpretrain's <c>ConvNeXtBlock</c>: a 7x7 depthwise conv (<c>depthwise_conv</c>), the norm
/// (<c>norm</c>), a pointwise expansion to mlp_ratio x the channels (<c>pointwise_conv1</c>), the
/// activation, ConvNeXt V2's <see cref="GRN"/> (<c>grn</c>, optional), the pointwise projection
/// back (<c>pointwise_conv2</c>), the layer scale (<c>gamma</c>, per channel, optional) and drop
/// path on the branch, which is added to the input. (N, C, H, W) in and out.
/// </summary>
/// <remarks>
/// With <c>linear_pw_conv</c> the pointwise convs are Linear layers applied with the channels
/// last (weights (out, in)), as the official ConvNeXt and torchvision do; otherwise they are 1x1
/// Conv2d layers (weights (out, in, 1, 1)). Both compute the same function.
/// </remarks>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> depthwise_conv;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> pointwise_conv1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> pointwise_conv2;
    private readonly GRN? grn;
    private readonly TorchSharp.Modules.Parameter? gamma;
    private readonly DropPath drop_path;

    private readonly bool linearPwConv;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Channels of the input and the output.</param>
    /// <param name="norm">Builds the norm after the depthwise conv (mmpretrain's is LN2d, eps 1e-6).</param>
    /// <param name="activation">The activation between the pointwise convs (GELU in mmpretrain).</param>
    /// <param name="mlpRatio">Hidden channels of the pointwise convs over <paramref name="inChannels"/> (truncated).</param>
    /// <param name="linearPwConv">Pointwise convs as Linear layers on channels-last maps rather than 1x1 convs.</param>
    /// <param name="dropPathRate">Probability of dropping the branch of a sample in training.</param>
    /// <param name="layerScaleInitValue">Initial value of every layer-scale factor; 0 or less leaves the layer scale out.</param>
    /// <param name="useGrn">Add ConvNeXt V2's global response normalization after the activation.</param>
    public ConvNeXtBlock(
        int inChannels,
        NormLayerBuilder norm,
        ActivationBuilder activation,
        double mlpRatio = 4.0,
        bool linearPwConv = true,
        double dropPathRate = 0.0,
        double layerScaleInitValue = 1e-6,
        bool useGrn = false)
        : base(nameof(ConvNeXtBlock))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentNullException.ThrowIfNull(norm);
        ArgumentNullException.ThrowIfNull(activation);
        var midChannels = (int)(mlpRatio * inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(midChannels, nameof(mlpRatio));

        this.linearPwConv = linearPwConv;
        depthwise_conv = nn.Conv2d(inChannels, inChannels, 7, padding: 3, groups: inChannels);
        this.norm = norm.Create(inChannels);
        pointwise_conv1 = linearPwConv ? nn.Linear(inChannels, midChannels) : nn.Conv2d(inChannels, midChannels, 1);
        act = activation.Create();
        pointwise_conv2 = linearPwConv ? nn.Linear(midChannels, inChannels) : nn.Conv2d(midChannels, inChannels, 1);
        grn = useGrn ? new GRN(midChannels) : null;
        if (layerScaleInitValue > 0)
        {
            using var value = layerScaleInitValue.ToScalar();
            gamma = new TorchSharp.Modules.Parameter(torch.full(new long[] { inChannels }, value));
        }

        drop_path = new DropPath(dropPathRate);
        RegisterComponents();
    }

    /// <summary>The probability of dropping the branch in training.</summary>
    public double DropPathRate => drop_path.DropProb;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var normalised = norm.call(depthwise_conv.call(input));
        Tensor branch;
        if (linearPwConv)
        {
            // The norm's output is channels-last in memory (LayerNorm2d normalises that way), so
            // this permute is a free view; the layer scale is applied before permuting back,
            // where it broadcasts over the last dimension.
            var hidden = act.call(pointwise_conv1.call(normalised.permute(0, 2, 3, 1)));
            var projected = pointwise_conv2.call(grn is null ? hidden : grn.Forward(hidden, channelsLast: true));
            branch = (gamma is null ? projected : projected.mul(gamma)).permute(0, 3, 1, 2);
        }
        else
        {
            var hidden = act.call(pointwise_conv1.call(normalised));
            var projected = pointwise_conv2.call(grn is null ? hidden : grn.Forward(hidden, channelsLast: false));
            branch = gamma is null ? projected : projected.mul(gamma.view(1, -1, 1, 1));
        }

        return input.add(drop_path.call(branch), ScalarConstants.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>forward</c> in an ONNX graph: with linear pointwise convs the branch runs channels last
    /// between two transposes, as in <c>forward</c>; the layer scale is a Mul; drop path is the
    /// identity in evaluation.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var normalised = graph.Chain(inputs[0], depthwise_conv, norm);
        if (linearPwConv)
        {
            normalised = OnnxOperators.Transpose(graph, normalised, 0, 2, 3, 1);
        }

        var hidden = graph.Chain(normalised, pointwise_conv1, act);
        if (grn is not null)
        {
            hidden = graph.ExportWithin(grn, () => grn.ExportOnnx(graph, hidden, channelsLast: linearPwConv));
        }

        var branch = graph.Export(pointwise_conv2, hidden);
        if (gamma is not null)
        {
            var scale = graph.Parameter(gamma, nameof(gamma));
            branch = graph.Node("Mul", [branch, linearPwConv ? scale : OnnxOperators.Reshape(graph, scale, 1, -1, 1, 1)]);
        }

        if (linearPwConv)
        {
            branch = OnnxOperators.Transpose(graph, branch, 0, 3, 1, 2);
        }

        return [graph.Node("Add", [inputs[0], graph.Export(drop_path, branch)])];
    }
}
