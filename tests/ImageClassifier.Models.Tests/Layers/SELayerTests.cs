using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class SELayerTests
{
    [Theory]
    [InlineData(64, 16, 8, 8)]
    [InlineData(256, 16, 8, 16)]
    [InlineData(96, 4, 8, 24)]
    [InlineData(40, 16, 8, 8)]
    public void Squeezed_channels_are_made_divisible_as_mmpretrain_makes_them(int channels, int ratio, int divisor, int expected)
    {
        using var layer = new SELayer(channels, ratio: ratio, divisor: divisor);
        Assert.Equal(expected, layer.SqueezeChannels);
    }

    [Fact]
    public void Keys_are_mmpretrains_two_conv_modules()
    {
        using var layer = new SELayer(16, squeezeChannels: 4);
        Assert.Equal(["conv1.conv.bias", "conv1.conv.weight", "conv2.conv.bias", "conv2.conv.weight"], layer.state_dict().Keys.Order());
    }

    [Fact]
    public void The_input_is_scaled_by_the_sigmoid_of_its_squeezed_channel_means()
    {
        using var layer = new SELayer(4, squeezeChannels: 2);
        using var scope = NewDisposeScope();
        var state = layer.state_dict();
        var w1 = state["conv1.conv.weight"].to(float64).reshape(2, 4);
        var b1 = state["conv1.conv.bias"].to(float64);
        var w2 = state["conv2.conv.weight"].to(float64).reshape(4, 2);
        var b2 = state["conv2.conv.bias"].to(float64);
        var input = arange(2 * 4 * 3 * 3, dtype: float64).reshape(2, 4, 3, 3).cos().to(float32);

        var output = layer.call(input).to(float64);

        var means = input.to(float64).mean([2L, 3L]);
        var hidden = (means.matmul(w1.t()) + b1).clamp_min(0);
        var weights = (hidden.matmul(w2.t()) + b2).sigmoid().reshape(2, 4, 1, 1);
        var expected = input.to(float64) * weights;
        var difference = (output - expected).abs().max().item<double>();
        Assert.True(difference < 1e-6, $"max |diff| {difference}");
    }
}
