using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seed.Backbones;

/// <summary>
/// What BasicBlock and Bottleneck share: the shortcut (identity, or <c>downsample</c> when the
/// shape changes), stochastic depth on the residual branch, and the final ReLU.
/// </summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>
{
    // "downsample" is mmpretrain's attribute name, so it is the checkpoint key.
    private readonly nn.Module<Tensor, Tensor>? downsample;
    private readonly double dropPathRate;

    /// <summary>Creates the block; <paramref name="downsample"/> reshapes the shortcut when needed.</summary>
    protected ResidualBlock(string name, nn.Module<Tensor, Tensor>? downsample, double dropPathRate)
        : base(name)
    {
        this.downsample = downsample;
        this.dropPathRate = dropPathRate;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var identity = downsample is null ? input : downsample.call(input);
        var residual = DropPath(Residual(input));
        return nn.functional.relu(residual + identity);
    }

    /// <summary>The residual branch, without the final ReLU.</summary>
    protected abstract Tensor Residual(Tensor input);

    /// <summary>The batch normalisation whose weight zero_init_residual zeroes.</summary>
    public abstract BatchNorm2d LastNorm { get; }

    private Tensor DropPath(Tensor residual)
    {
        if (!training || dropPathRate == 0)
        {
            return residual;
        }

        // One keep-or-drop draw per sample, rescaled so that the expectation is unchanged.
        var keep = 1 - dropPathRate;
        var mask = torch.empty(residual.shape[0], 1, 1, 1, dtype: residual.dtype, device: residual.device).bernoulli_(keep);
        return residual * mask / keep;
    }
}
