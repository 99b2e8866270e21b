using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Global response normalization (ConvNeXt V2), mmpretrain's <c>GRN</c>: each channel's L2 norm
/// over the spatial positions, divided by the mean of those norms over the channels, rescales the
/// input; x + gamma * (x * that) + beta. Parameters <c>gamma</c> and <c>beta</c> (C), both zero at
/// first, so the layer starts as the identity. Takes (N, C, H, W) or, channels last, (N, H, W, C).
/// </summary>
public sealed class GRN : nn.Module<Tensor, Tensor>
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
