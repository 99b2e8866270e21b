using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class ConvModuleTests
{
    [Fact]
    public void Keys_are_conv_then_the_norm_abbreviation()
    {
        using var withBatchNorm = new ConvModule(3, 8, 3, padding: 1, norm: new BatchNormalization(), activation: new ReLUActivation());
        Assert.Equal(
            ["bn.bias", "bn.num_batches_tracked", "bn.running_mean", "bn.running_var", "bn.weight", "conv.weight"],
            withBatchNorm.state_dict().Keys.Order());
        Assert.Contains(withBatchNorm.named_children(), child => child.name == "activate");

        using var withGroupNorm = new ConvModule(3, 8, 3, padding: 1, norm: new GroupNormalization(numGroups: 4));
        Assert.Equal(["conv.weight", "gn.bias", "gn.weight"], withGroupNorm.state_dict().Keys.Order());
        Assert.DoesNotContain(withGroupNorm.named_children(), child => child.name == "activate");
    }

    [Fact]
    public void Bias_is_automatic_unless_given()
    {
        using var plain = new ConvModule(3, 8, 1);
        Assert.Equal(["conv.bias", "conv.weight"], plain.state_dict().Keys.Order());
        using var forced = new ConvModule(3, 8, 1, bias: true, norm: new BatchNormalization());
        Assert.Contains("conv.bias", forced.state_dict().Keys);
    }

    [Fact]
    public void Forward_is_conv_norm_activation()
    {
        manual_seed(1);
        using var module = new ConvModule(4, 6, 3, stride: 2, padding: 1, groups: 2, norm: new BatchNormalization(), activation: new ReLU6Activation());
        module.eval();
        using (no_grad())
        {
            var norm = module.Norm!;
            foreach (var (name, buffer) in norm.named_buffers())
            {
                if (name == "running_mean")
                {
                    buffer.uniform_(-1, 1);
                }
                else if (name == "running_var")
                {
                    buffer.uniform_(0.5, 2);
                }
            }
        }

        using var input = randn(2, 4, 9, 9);
        using var output = module.call(input);
        Assert.Equal([2L, 6, 5, 5], output.shape);

        using var scope = NewDisposeScope();
        var state = module.state_dict();
        var conv = nn.functional.conv2d(input, state["conv.weight"], strides: [2, 2], padding: [1, 1], groups: 2);
        var normalised = nn.functional.batch_norm(conv, state["bn.running_mean"], state["bn.running_var"], state["bn.weight"], state["bn.bias"], training: false, eps: 1e-5);
        Assert.True(output.allclose(normalised.clamp(0, 6), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Conv2d_builder_passes_every_argument()
    {
        var builder = new Convolution2dConfig().Build();
        Assert.Contains("Conv", Convolution2dConfig.Descriptor.Aliases);
        using var conv = builder.Create(4, 8, 3, stride: 2, padding: 2, dilation: 2, groups: 4, bias: false);
        Assert.Equal(["weight"], conv.state_dict().Keys);
        Assert.Equal([8L, 1, 3, 3], conv.state_dict()["weight"].shape);
        using var input = randn(1, 4, 10, 10);
        using var output = conv.call(input);
        Assert.Equal([1L, 8, 5, 5], output.shape);
    }
}
