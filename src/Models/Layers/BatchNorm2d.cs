using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// 2-D batch normalization with PyTorch's <c>BatchNorm2d</c> state (<c>weight</c>, <c>bias</c>,
/// <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>) and numerics, built by
/// <see cref="BatchNormalization"/>. It replaces TorchSharp's own <c>nn.BatchNorm2d</c>, whose
/// training forward counts batches with a temporary native scalar that a garbage collection can
/// free while libtorch reads it (docs/reliability.md); here the counter's step is a scalar that
/// lives as long as the process.
/// </summary>
public sealed class BatchNorm2d : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // Field names are the state-dict keys; null fields are not registered.
#pragma warning disable IDE1006 // PyTorch's names
    private readonly Parameter? weight;
    private readonly Parameter? bias;
    private readonly Tensor? running_mean;
    private readonly Tensor? running_var;
    private readonly Tensor? num_batches_tracked;
#pragma warning restore IDE1006

    /// <summary>Creates the layer; parameters as PyTorch's <c>nn.BatchNorm2d</c>.</summary>
    /// <param name="numFeatures">The channels C of the (N, C, H, W) input.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="momentum">Weight of the batch statistics in the running averages.</param>
    /// <param name="affine">Learn a per-channel scale (weight) and shift (bias).</param>
    /// <param name="trackRunningStats">Keep running mean and variance for evaluation.</param>
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        : base(nameof(BatchNorm2d))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            weight = new Parameter(torch.ones(numFeatures));
            bias = new Parameter(torch.zeros(numFeatures));
        }

        if (trackRunningStats)
        {
            running_mean = torch.zeros(numFeatures);
            running_var = torch.ones(numFeatures);
            num_batches_tracked = torch.tensor(0L);
        }

        RegisterComponents();
    }

    /// <summary>The channels this layer normalizes.</summary>
    public long NumFeatures { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>Weight of the batch statistics in the running averages.</summary>
    public double Momentum { get; }

    /// <summary>
    /// Whether <see cref="FoldInto"/> has moved this layer's normalization into the convolution
    /// before it: the layer then passes its input through, in evaluation mode only.
    /// </summary>
    public bool IsFolded { get; private set; }

    /// <summary>Whether <see cref="FoldInto"/> can fold it: in evaluation mode, with running statistics.</summary>
    public bool Foldable => !training && running_mean is not null && running_var is not null;

    /// <summary>
    /// Folds this layer, as evaluation mode applies it, into <paramref name="conv"/>, the
    /// convolution whose output is this layer's only input: the convolution's weight is scaled
    /// per output channel by <c>weight / sqrt(running_var + eps)</c>, its bias becomes
    /// <c>(bias - running_mean) * scale + shift</c> (created when it had none), and this layer
    /// becomes a pass-through. The arithmetic runs in float64, so the folded pair gives the unfolded
    /// pair's output within float32 rounding. For inference only: training a folded pair would
    /// train something else, so <see cref="forward"/> refuses it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer is training, keeps no running statistics, is folded already, or the channels differ.</exception>
    public void FoldInto(Conv2d conv)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (training || running_mean is null || running_var is null || IsFolded)
        {
            throw new InvalidOperationException(
                "Only a BatchNorm2d in evaluation mode, with running statistics and not folded yet, can be folded into its convolution.");
        }

        var convWeight = conv.weight!;
        if (convWeight.shape[0] != NumFeatures)
        {
            throw new InvalidOperationException($"The convolution has {convWeight.shape[0]} output channels, the BatchNorm2d {NumFeatures}.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var eps = torch.tensor(Eps, float64);
        var scale = running_var.to(float64).add(eps, ScalarConstants.One).rsqrt();
        if (weight is not null)
        {
            scale = scale.mul(weight.to(float64));
        }

        var oldBias = conv.bias is null ? torch.zeros(NumFeatures, float64) : conv.bias.to(float64);
        var newBias = oldBias.add(running_mean.to(float64), ScalarConstants.MinusOne).mul(scale);
        if (bias is not null)
        {
            newBias = newBias.add(bias.to(float64), ScalarConstants.One);
        }

        var shape = new long[convWeight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = NumFeatures;
        convWeight.copy_(convWeight.to(float64).mul(scale.reshape(shape)).to(convWeight.dtype));
        var folded = newBias.to(convWeight.dtype).to(convWeight.device);
        if (conv.bias is null)
        {
            conv.bias = new Parameter(folded.MoveToOuterDisposeScope(), requires_grad: false);
        }
        else
        {
            conv.bias.copy_(folded);
        }

        IsFolded = true;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (IsFolded)
        {
            if (training)
            {
                throw new InvalidOperationException("This BatchNorm2d was folded into its convolution for inference; it cannot train.");
            }

            return input.alias();
        }

        if (input.dim() != 4)
        {
            throw new ArgumentException($"BatchNorm2d expects a 4-D input (N, C, H, W), but got {input.dim()}-D ({string.Join(", ", input.shape)}).", nameof(input));
        }

        var tracksStats = running_mean is not null;
        if (training && tracksStats)
        {
            num_batches_tracked!.add_(ScalarConstants.One, ScalarConstants.One);
        }

        // As PyTorch: batch statistics in training or when no running ones are kept; running ones otherwise.
        var useBatchStats = training || !tracksStats;
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, useBatchStats, Momentum, Eps);
    }

    /// <summary>Nothing once folded into its convolution; otherwise BatchNormalization with the running statistics.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        // The step counter only matters to training; folded, the convolution carries the rest.
        graph.Consumed(num_batches_tracked);
        if (IsFolded)
        {
            graph.Consumed(weight, bias, running_mean, running_var);
            return inputs;
        }

        if (running_mean is null || running_var is null)
        {
            throw graph.Unsupported("keeps no running statistics, so it normalizes with each batch's own even in evaluation mode, which the export does not reproduce");
        }

        return [OnnxOperators.BatchNorm(graph, inputs[0], weight, bias, running_mean, running_var, Eps)];
    }
}
