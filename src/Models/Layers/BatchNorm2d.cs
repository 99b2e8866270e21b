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
public sealed class BatchNorm2d : nn.Module<Tensor, Tensor>
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

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
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
}
