using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class Conv2dAdaptivePaddingTests
{
    [Theory]
    [InlineData(3, 2, 1, 63)]
    [InlineData(3, 2, 1, 64)]
    [InlineData(5, 2, 1, 17)]
    [InlineData(5, 1, 1, 10)]
    [InlineData(3, 1, 2, 9)]
    [InlineData(1, 2, 1, 7)]
    public void Pads_as_tensorflows_same_padding(int kernel, int stride, int dilation, int size)
    {
        manual_seed(3);
        using var conv = new AdaptivePaddingConvolution2dConfig().Build().Create(4, 6, kernel, stride, padding: 99, dilation: dilation, groups: 2);
        using var scope = NewDisposeScope();
        var input = randn(2, 4, size, size + 1);
        var output = conv.call(input);

        // TensorFlow's rule: ceil(n / s) outputs; the total padding (ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, the odd one after.
        long[] Pads(long n)
        {
            var total = Math.Max((((n + stride - 1) / stride) - 1) * stride + ((kernel - 1) * dilation) + 1 - n, 0);
            return [total / 2, total - (total / 2)];
        }

        var (height, width) = (Pads(size), Pads(size + 1));
        var state = conv.state_dict();
        var reference = nn.functional.conv2d(
            nn.functional.pad(input, [width[0], width[1], height[0], height[1]]), state["weight"], state["bias"], [stride, stride], [0, 0], [dilation, dilation], 2);
        Assert.Equal([2L, 6, (size + stride - 1) / stride, (size + stride) / stride], output.shape);
        Assert.True(output.allclose(reference, 1e-5, 1e-6));
    }

    [Fact]
    public void Has_a_conv2ds_keys_and_is_initialised_as_one()
    {
        using var conv = new Conv2dAdaptivePadding(4, 8, 3, bias: false);
        Assert.Equal(["weight"], conv.state_dict().Keys);
        Assert.Equal([8L, 4, 3, 3], conv.state_dict()["weight"].shape);

        // mmcv's class derives from nn.Conv2d, so an init_cfg for "Conv2d" reaches it.
        Assert.Contains("Conv2d", LayerTypeNames.Of(conv));
        Assert.Equal("Conv2dAdaptivePadding", new AdaptivePaddingConvolution2dConfig().TypeName);
    }
}
