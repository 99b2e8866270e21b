using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seed.Backbones;

/// <summary>ResNet's two-layer block (3x3, 3x3) for depths 18 and 34: (N, in, H, W) to (N, out, H/stride, W/stride).</summary>
public sealed class BasicBlock : ResidualBlock
{
    // Field names are mmpretrain's (norm1 is named bn1), so they are the checkpoint keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;

    /// <summary>Creates the block; the stride and dilation apply to the first conv.</summary>
    public BasicBlock(int inChannels, int outChannels, int stride, int dilation, nn.Module<Tensor, Tensor>? downsample, double dropPathRate)
        : base(nameof(BasicBlock), downsample, dropPathRate)
    {
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BatchNorm2d LastNorm => bn2;

    /// <inheritdoc />
    protected override Tensor Residual(Tensor input) =>
        bn2.call(conv2.call(nn.functional.relu(bn1.call(conv1.call(input)))));
}
