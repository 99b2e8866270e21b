using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class FFNTests
{
    [Fact]
    public void Keys_are_mmcvs_for_two_and_three_layers()
    {
        using var two = new FFN(4, 8);
        using var three = new FFN(4, 8, numFcs: 3);
        Assert.Equal(["layers.0.0.bias", "layers.0.0.weight", "layers.1.bias", "layers.1.weight"], two.state_dict().Keys.Order());
        Assert.Equal(["layers.0.0.bias", "layers.0.0.weight", "layers.1.0.bias", "layers.1.0.weight", "layers.2.bias", "layers.2.weight"], three.state_dict().Keys.Order());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_output_is_the_two_layers_with_the_activation_between_plus_the_identity(bool addIdentity)
    {
        using var ffn = new FFN(3, 5, activation: new GeluActivationConfig().Build(), addIdentity: addIdentity);
        using var scope = NewDisposeScope();
        var state = ffn.state_dict();
        var input = arange(2 * 4 * 3, dtype: float64).reshape(2, 4, 3).cos();

        var output = ffn.call(input.to(float32)).to(float64);

        var hidden = input.matmul(state["layers.0.0.weight"].to(float64).t()) + state["layers.0.0.bias"].to(float64);
        var gelu = 0.5 * hidden * (1 + (hidden / Math.Sqrt(2)).erf());
        var expected = gelu.matmul(state["layers.1.weight"].to(float64).t()) + state["layers.1.bias"].to(float64);
        if (addIdentity)
        {
            expected += input;
        }

        var difference = (output - expected).abs().max().item<double>();
        Assert.True(difference < 1e-5, $"max |diff| {difference}");
    }

    [Fact]
    public void Drop_path_drops_the_branch_only_in_training()
    {
        using var ffn = new FFN(3, 5, dropPath: 0.999);
        using var scope = NewDisposeScope();
        var input = ones(64, 2, 3);
        ffn.eval();
        var evaluated = ffn.call(input);
        ffn.train();
        var trained = ffn.call(input);

        Assert.Equal(64L, (evaluated - input).abs().sum([1L, 2L]).gt(0).sum().item<long>());
        var kept = (trained - input).abs().sum([1L, 2L]).gt(0).sum().item<long>();
        Assert.True(kept < 8, $"{kept} of 64 samples kept their branch at drop probability 0.999");
    }
}
