using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seed.Backbones;

/// <summary>
/// ResNet's three-layer block (1x1, 3x3, 1x1) for depths 50 and more: (N, in, H, W) to
/// (N, out, H/stride, W/stride), its middle layers a quarter of <c>out</c> wide.
/// </summary>
public sealed class Bottleneck : ResidualBlock
{
    // Field names are mmpretrain's (normN is named bnN), so they are the checkpoint keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;

    /// <summary>
    /// Creates the block. The "pytorch" style strides in the 3x3 conv, "caffe" in the first 1x1.
    /// </summary>
    public Bottleneck(int inChannels, int outChannels, int stride, int dilation, string style, nn.Module<Tensor, Tensor>? downsample, double dropPathRate)
        : base(nameof(Bottleneck), downsample, dropPathRate)
    {
        var middle = outChannels / 4;
        var (firstStride, secondStride) = style == "caffe" ? (stride, 1) : (1, stride);
        conv1 = nn.Conv2d(inChannels, middle, kernel_size: 1, stride: firstStride, bias: false);
        bn1 = nn.BatchNorm2d(middle);
        conv2 = nn.Conv2d(middle, middle, kernel_size: 3, stride: secondStride, padding: dilation, dilation: dilation, bias: false);
        bn2 = nn.BatchNorm2d(middle);
        conv3 = nn.Conv2d(middle, outChannels, kernel_size: 1, bias: false);
        bn3 = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BatchNorm2d LastNorm => bn3;

    /// <inheritdoc />
    protected override Tensor Residual(Tensor input)
    {
        var middle = nn.functional.relu(bn1.call(conv1.call(input)));
        middle = nn.functional.relu(bn2.call(conv2.call(middle)));
        return bn3.call(conv3.call(middle));
    }
}
