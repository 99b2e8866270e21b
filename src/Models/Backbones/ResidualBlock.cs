using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// What <see cref="BasicBlock"/> and <see cref="Bottleneck"/> share: the shortcut (the input, or
/// <c>downsample</c> of it when the shape changes), stochastic depth on the residual branch, and
/// the ReLU after the sum. (N, in, H, W) in, (N, out, H / stride, W / stride) out.
/// </summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys (downsample.0.weight, ...).
    private readonly nn.Module<Tensor, Tensor>? downsample;
    private readonly nn.Module<Tensor, Tensor> relu;
    private readonly nn.Module<Tensor, Tensor>? drop_path;

    /// <summary>Creates the shared parts; the derived block builds its branch and calls <c>RegisterComponents</c>.</summary>
    /// <param name="name">The module name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="downsample">Reshapes the shortcut when stride or channels change; null for the identity.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the residual branch.</param>
    protected ResidualBlock(string name, int inChannels, int outChannels, nn.Module<Tensor, Tensor>? downsample, double dropPathRate)
        : base(name)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        this.downsample = downsample;
        relu = nn.ReLU();

        // mmpretrain keeps an identity below this rate (its eps, 1e-5).
        drop_path = dropPathRate > 1e-5 ? new DropPath(dropPathRate) : null;
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The norm after the branch's last conv, which <c>zero_init_residual</c> fills with zeros.</summary>
    public abstract nn.Module<Tensor, Tensor> LastNorm { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var residual = Residual(input);
        var identity = downsample is null ? input : downsample.call(input);
        if (drop_path is not null)
        {
            residual = drop_path.call(residual);
        }

        return relu.call(residual.add(identity, ScalarConstants.One));
    }

    /// <summary>The shortcut plus the branch (<see cref="ExportResidual"/>), then ReLU; stochastic depth is the identity in evaluation.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        OnnxOverrideCheck.RequireExportBeside(graph, this, nameof(Residual), nameof(ExportResidual));
        var residual = ExportResidual(graph, inputs[0]);
        var identity = downsample is null ? inputs[0] : graph.Export(downsample, inputs[0]);
        return [graph.Node("Relu", [graph.Node("Add", [residual, identity])])];
    }

    /// <summary>The residual branch, up to and including its last norm: (N, in, H, W) to (N, out, H', W').</summary>
    protected abstract Tensor Residual(Tensor input);

    /// <summary>
    /// Adds <see cref="Residual"/> to an ONNX graph; a block that overrides one overrides both. The
    /// default refuses, naming the block, for blocks written before ONNX export.
    /// </summary>
    /// <returns>The branch's output value.</returns>
    protected virtual string ExportResidual(OnnxGraphBuilder graph, string input) =>
        throw (graph ?? throw new ArgumentNullException(nameof(graph))).Unsupported($"has no ONNX export of its residual branch; override {nameof(ExportResidual)}");

    /// <summary>Applies the block's ReLU (for the branch's inner activations).</summary>
    protected Tensor Relu(Tensor input) => relu.call(input);
}
