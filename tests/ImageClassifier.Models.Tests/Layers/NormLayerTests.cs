using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class NormLayerTests
{
    [Fact]
    public void BN_builds_a_trained_BatchNorm2d_with_mmcv_defaults()
    {
        var config = new BatchNormalizationConfig();
        Assert.Equal("BN", config.TypeName);
        Assert.Equal(1e-5, config.Eps);
        Assert.Equal(0.1, config.Momentum);
        Assert.True(config.RequiresGrad);

        var builder = config.Build();
        Assert.Equal("bn", builder.Abbreviation);
        using var layer = Assert.IsType<BatchNorm2d>(builder.Create(6));
        Assert.Equal(1e-5, layer.Eps);
        Assert.Equal(0.1, layer.Momentum);
        Assert.Equal(["bias", "num_batches_tracked", "running_mean", "running_var", "weight"], layer.state_dict().Keys.Order());
        Assert.All(layer.parameters(), parameter => Assert.True(parameter.requires_grad));
    }

    [Fact]
    public void Requires_grad_false_freezes_the_norm_parameters()
    {
        using var layer = new BatchNormalizationConfig { RequiresGrad = false }.Build().Create(4);
        Assert.All(layer.parameters(), parameter => Assert.False(parameter.requires_grad));
        using var group = new GroupNormalizationConfig { NumGroups = 2, RequiresGrad = false }.Build().Create(4);
        Assert.All(group.parameters(), parameter => Assert.False(parameter.requires_grad));
    }

    [Fact]
    public void SyncBN_is_a_batch_norm_on_one_process()
    {
        var builder = new SyncBatchNormalizationConfig { Eps = 1e-3, Momentum = 0.01 }.Build();
        Assert.Equal("bn", builder.Abbreviation);
        using var layer = Assert.IsType<BatchNorm2d>(builder.Create(3));
        Assert.Equal(1e-3, layer.Eps);
        Assert.Equal(0.01, layer.Momentum);
        Assert.True(NormParameters.IsBatchNorm(layer));
    }

    [Fact]
    public void GN_normalises_groups_and_needs_a_group_count_that_divides_the_channels()
    {
        var builder = new GroupNormalizationConfig { NumGroups = 2 }.Build();
        Assert.Equal("gn", builder.Abbreviation);
        using var layer = Assert.IsType<TorchSharp.Modules.GroupNorm>(builder.Create(4));
        Assert.Equal(["bias", "weight"], layer.state_dict().Keys.Order());

        using var input = arange(2 * 4 * 3 * 3, dtype: float32).reshape(2, 4, 3, 3);
        using var output = layer.call(input);
        using var scope = NewDisposeScope();
        var groups = input.reshape(2, 2, -1);
        var mean = groups.mean([2L], keepdim: true);
        var variance = groups.var([2L], unbiased: false, keepdim: true);
        var expected = ((groups - mean) / (variance + 1e-5).sqrt()).reshape(2, 4, 3, 3);
        var difference = (output - expected).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"max |diff| {difference}");

        var error = Assert.Throws<ConfigValueException>(() => new GroupNormalizationConfig { NumGroups = 3 }.Build().Create(4));
        Assert.Equal("num_groups must be a divisor of the 4 channels it normalises, but got 3.", error.Message);
    }

    [Fact]
    public void LN_normalises_the_last_dimension_of_token_sequences()
    {
        var builder = new LayerNormalizationConfig { Eps = 1e-6 }.Build();
        Assert.Equal("ln", builder.Abbreviation);
        using var layer = builder.Create(4);
        Assert.Equal(["bias", "weight"], layer.state_dict().Keys.Order());

        using var scope = NewDisposeScope();
        var input = arange(2 * 3 * 4, dtype: float64).reshape(2, 3, 4).pow(2).to(float32);
        var output = layer.call(input).to(float64);
        var reference = input.to(float64);
        var expected = (reference - reference.mean([2L], keepdim: true)) / (reference.var([2L], unbiased: false, keepdim: true) + 1e-6).sqrt();
        var difference = (output - expected).abs().max().item<double>();
        Assert.True(difference < 1e-5, $"max |diff| {difference}");
    }

    [Fact]
    public void LN2d_normalises_the_channels_at_each_position_and_keeps_layer_norm_keys()
    {
        var builder = new LayerNorm2dNormalizationConfig { Eps = 1e-6 }.Build();
        Assert.Equal("ln", builder.Abbreviation);
        using var layer = builder.Create(3);
        Assert.Equal(["bias", "weight"], layer.state_dict().Keys.Order());

        using var scope = NewDisposeScope();
        using (no_grad())
        {
            layer.state_dict()["weight"].copy_(tensor(new float[] { 0.5f, 1f, 2f }));
            layer.state_dict()["bias"].copy_(tensor(new float[] { 0f, 1f, -1f }));
        }

        var input = arange(2 * 3 * 2 * 2, dtype: float64).reshape(2, 3, 2, 2).sin().to(float32);
        var output = layer.call(input).to(float64);
        var reference = input.to(float64);
        var normalised = (reference - reference.mean([1L], keepdim: true)) / (reference.var([1L], unbiased: false, keepdim: true) + 1e-6).sqrt();
        var expected = normalised * tensor(new double[] { 0.5, 1, 2 }).reshape(1, 3, 1, 1) + tensor(new double[] { 0, 1, -1 }).reshape(1, 3, 1, 1);
        Assert.Equal([2L, 3, 2, 2], output.shape);
        var difference = (output - expected).abs().max().item<double>();
        Assert.True(difference < 1e-5, $"max |diff| {difference}");
    }

    [Fact]
    public void Constant_init_fills_the_weight_and_zeroes_the_bias()
    {
        using var layer = nn.BatchNorm2d(3);
        using (no_grad())
        {
            layer.bias!.fill_(0.5);
        }

        NormParameters.ConstantInit(layer, 0);
        Assert.Equal(0, layer.weight!.abs().sum().item<float>());
        Assert.Equal(0, layer.bias!.abs().sum().item<float>());
    }
}
