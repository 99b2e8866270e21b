using ImageClassifier.Models.Initialization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Initialization;

public sealed class InitializerTests
{
    [Theory]
    [InlineData(FanMode.FanOut, InitDistribution.Normal)]
    [InlineData(FanMode.FanIn, InitDistribution.Normal)]
    [InlineData(FanMode.FanOut, InitDistribution.Uniform)]
    public void KaimingScalesByTheFan(FanMode mode, InitDistribution distribution)
    {
        torch.manual_seed(1);
        using var conv = nn.Conv2d(256, 512, 3);
        new KaimingInit(mode: mode, distribution: distribution, bias: 0.5, layer: ["Conv2d"]).Apply(conv);

        var fan = mode == FanMode.FanOut ? 512 * 9 : 256 * 9;
        var expected = Math.Sqrt(2.0 / fan);
        var weight = conv.weight!;
        Assert.InRange(weight.std().item<float>(), expected * 0.99, expected * 1.01);
        Assert.InRange(weight.mean().item<float>(), -expected * 0.01, expected * 0.01);
        if (distribution == InitDistribution.Uniform)
        {
            Assert.True(weight.abs().max().item<float>() <= Math.Sqrt(3.0) * expected * 1.0001);
        }

        Assert.True(conv.bias!.eq(0.5).all().item<bool>());
    }

    [Fact]
    public void KaimingLeakyReluUsesTheSlope()
    {
        torch.manual_seed(2);
        using var linear = nn.Linear(1000, 1000);
        new KaimingInit(a: 1, mode: FanMode.FanIn, nonlinearity: Nonlinearity.LeakyRelu, layer: ["Linear"]).Apply(linear);

        // gain √(2 / (1 + 1²)) = 1, so std = 1 / √1000.
        var expected = 1 / Math.Sqrt(1000);
        Assert.InRange(linear.weight!.std().item<float>(), expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void ConstantFillsWeightAndBiasExactly()
    {
        using var norm = nn.BatchNorm2d(8);
        using var linear = nn.Linear(3, 4);
        new ConstantInit(val: 2.5, bias: -1, layer: ["_BatchNorm", "Linear"]).Apply(norm);
        new ConstantInit(val: 2.5, bias: -1, layer: ["_BatchNorm", "Linear"]).Apply(linear);

        Assert.All(norm.weight!.data<float>().ToArray(), value => Assert.Equal(2.5f, value));
        Assert.All(norm.bias!.data<float>().ToArray(), value => Assert.Equal(-1f, value));
        Assert.All(linear.weight!.data<float>().ToArray(), value => Assert.Equal(2.5f, value));
        Assert.All(linear.bias!.data<float>().ToArray(), value => Assert.Equal(-1f, value));
    }

    [Fact]
    public void NormalDrawsWithTheGivenMeanAndStd()
    {
        torch.manual_seed(3);
        using var linear = nn.Linear(1000, 1000);
        new NormalInit(mean: 0.5, std: 0.01, layer: ["Linear"]).Apply(linear);

        Assert.InRange(linear.weight!.mean().item<float>(), 0.4999, 0.5001);
        Assert.InRange(linear.weight.std().item<float>(), 0.0099, 0.0101);
        Assert.True(linear.bias!.eq(0).all().item<bool>());
    }

    [Fact]
    public void TruncNormalStaysWithinTheBounds()
    {
        torch.manual_seed(4);
        using var linear = nn.Linear(1000, 1000);
        new TruncNormalInit(mean: 0, std: 1, a: -0.5, b: 1.5, layer: ["Linear"]).Apply(linear);

        var weight = linear.weight!;
        Assert.True(weight.min().item<float>() >= -0.5f);
        Assert.True(weight.max().item<float>() <= 1.5f);
        Assert.True(weight.min().item<float>() < -0.49f);
        Assert.True(weight.max().item<float>() > 1.49f);

        // The mean of N(0, 1) truncated to [a, b] is (φ(a) - φ(b)) / (Φ(b) - Φ(a)).
        static double Density(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
        var expectedMean = (Density(-0.5) - Density(1.5)) / (0.9331928 - 0.3085375);
        Assert.InRange(weight.mean().item<float>(), expectedMean - 0.005, expectedMean + 0.005);
    }

    [Fact]
    public void TruncNormalWithWideBoundsIsNearlyNormal()
    {
        torch.manual_seed(5);
        using var linear = nn.Linear(1000, 1000);
        new TruncNormalInit(std: 0.02, layer: ["Linear"]).Apply(linear);

        // a = -2, b = 2 are 100 standard deviations away.
        Assert.InRange(linear.weight!.std().item<float>(), 0.0198, 0.0202);
    }

    [Theory]
    [InlineData(InitDistribution.Normal)]
    [InlineData(InitDistribution.Uniform)]
    public void XavierUsesBothFans(InitDistribution distribution)
    {
        torch.manual_seed(6);
        using var linear = nn.Linear(600, 1400);
        new XavierInit(gain: 2, distribution: distribution, layer: ["Linear"]).Apply(linear);

        var expected = 2 * Math.Sqrt(2.0 / (600 + 1400));
        var weight = linear.weight!;
        Assert.InRange(weight.std().item<float>(), expected * 0.99, expected * 1.01);
        if (distribution == InitDistribution.Uniform)
        {
            Assert.True(weight.abs().max().item<float>() <= Math.Sqrt(3.0) * expected * 1.0001);
        }
        else
        {
            // A normal sample of 840,000 goes well beyond the uniform bound.
            Assert.True(weight.abs().max().item<float>() > Math.Sqrt(3.0) * expected * 1.5);
        }
    }

    [Fact]
    public void UniformStaysWithinTheBounds()
    {
        torch.manual_seed(7);
        using var linear = nn.Linear(1000, 100);
        new UniformInit(a: -0.25, b: 0.75, bias: 3, layer: ["Linear"]).Apply(linear);

        Assert.True(linear.weight!.min().item<float>() >= -0.25f);
        Assert.True(linear.weight.max().item<float>() <= 0.75f);
        Assert.InRange(linear.weight.mean().item<float>(), 0.24, 0.26);
        Assert.True(linear.bias!.eq(3).all().item<bool>());
    }

    [Fact]
    public void BiasProbSetsTheBiasOfAPriorProbability()
    {
        using var linear = nn.Linear(4, 2);
        new NormalInit(std: 0.01, biasProb: 0.01, layer: ["Linear"]).Apply(linear);

        var expected = -Math.Log(0.99 / 0.01);
        Assert.All(linear.bias!.data<float>().ToArray(), value => Assert.Equal(expected, value, 5));
    }

    [Fact]
    public void AnEmptyLayerListInitialisesNothing()
    {
        using var linear = nn.Linear(4, 2);
        using var before = linear.weight!.clone();
        new ConstantInit(val: 1).Apply(linear);

        Assert.True(linear.weight.eq(before).all().item<bool>());
    }

    [Fact]
    public void OnlyMatchingLayersOfTheSubtreeAreFilled()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)), ("fc", nn.Linear(4, 2)));
        using var fcBefore = ((TorchSharp.Modules.Linear)model[2]).weight!.clone();
        new ConstantInit(val: 7, layer: ["Conv2d", "_BatchNorm"]).Apply(model);

        Assert.True(((TorchSharp.Modules.Conv2d)model[0]).weight!.eq(7).all().item<bool>());
        Assert.True(((TorchSharp.Modules.BatchNorm2d)model[1]).weight!.eq(7).all().item<bool>());
        Assert.True(((TorchSharp.Modules.Linear)model[2]).weight!.eq(fcBefore).all().item<bool>());
    }

    [Fact]
    public void InitialisationIsNotRecordedByAutograd()
    {
        using var linear = nn.Linear(4, 2);
        new XavierInit(layer: ["Linear"]).Apply(linear);

        Assert.True(linear.weight!.requires_grad);
        Assert.True(linear.weight.is_leaf);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Equal("bias_prob", Assert.Throws<ConfigValueException>(() => new ConstantInit(val: 1, biasProb: 1.5)).Member);
        Assert.Equal("std", Assert.Throws<ConfigValueException>(() => new NormalInit(std: -1)).Member);
        Assert.Equal("std", Assert.Throws<ConfigValueException>(() => new TruncNormalInit(std: 0)).Member);
        Assert.Equal("b", Assert.Throws<ConfigValueException>(() => new TruncNormalInit(a: 1, b: 1)).Member);
        Assert.Equal("b", Assert.Throws<ConfigValueException>(() => new UniformInit(a: 1, b: 0)).Member);
        Assert.Equal("checkpoint", Assert.Throws<ConfigValueException>(() => new PretrainedInit(" ")).Member);
    }

    [Fact]
    public void FansFollowPyTorch()
    {
        using var conv = torch.empty(16, 8, 3, 5);
        using var linear = torch.empty(10, 20);
        using var vector = torch.empty(3);

        Assert.Equal((8L * 15, 16L * 15), WeightFill.Fans(conv));
        Assert.Equal((20L, 10L), WeightFill.Fans(linear));
        Assert.Throws<ArgumentException>(() => WeightFill.Fans(vector));
        Assert.Equal(Math.Sqrt(2), WeightFill.Gain(Nonlinearity.Relu), 12);
        Assert.Equal(5.0 / 3, WeightFill.Gain(Nonlinearity.Tanh), 12);
        Assert.Equal(Math.Sqrt(2 / 1.0001), WeightFill.Gain(Nonlinearity.LeakyRelu), 12);
        Assert.Equal(1, WeightFill.Gain(Nonlinearity.Conv2d), 12);
        Assert.Equal(0.75, WeightFill.Gain(Nonlinearity.Selu), 12);
    }

    [Fact]
    public void ConfigsUseMmengineNames()
    {
        Assert.Equal("Kaiming", KaimingInitConfig.Descriptor.Name);
        Assert.Equal("init", KaimingInitConfig.Descriptor.Kind);
        Assert.Equal(
            new[] { "a", "mode", "nonlinearity", "distribution", "bias", "bias_prob", "layer" },
            KaimingInitConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));
        Assert.Equal("Constant", ConstantInitConfig.Descriptor.Name);
        Assert.Equal("Normal", NormalInitConfig.Descriptor.Name);
        Assert.Equal("TruncNormal", TruncNormalInitConfig.Descriptor.Name);
        Assert.Equal("Xavier", XavierInitConfig.Descriptor.Name);
        Assert.Equal("Uniform", UniformInitConfig.Descriptor.Name);
        Assert.Equal("Pretrained", PretrainedInitConfig.Descriptor.Name);
        Assert.Equal(
            new[] { "checkpoint", "prefix", "map_location" },
            PretrainedInitConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));

        var json = System.Text.Json.JsonSerializer.Serialize(new KaimingInitConfig { Mode = FanMode.FanIn, Nonlinearity = Nonlinearity.LeakyRelu, Distribution = InitDistribution.Uniform });
        Assert.Contains("\"mode\":\"fan_in\"", json, StringComparison.Ordinal);
        Assert.Contains("\"nonlinearity\":\"leaky_relu\"", json, StringComparison.Ordinal);
        Assert.Contains("\"distribution\":\"uniform\"", json, StringComparison.Ordinal);
        var names = new System.Text.Json.JsonSerializerOptions { Converters = { new SnakeCaseEnumConverter<Nonlinearity>() } };
        Assert.Equal("\"conv2d\"", System.Text.Json.JsonSerializer.Serialize(Nonlinearity.Conv2d, names));
        Assert.Equal("\"conv_transpose2d\"", System.Text.Json.JsonSerializer.Serialize(Nonlinearity.ConvTranspose2d, names));

        var kaiming = Assert.IsType<KaimingInit>(new KaimingInitConfig { Mode = FanMode.FanIn, Layer = ["Conv2d"] }.Build());
        Assert.Equal(FanMode.FanIn, kaiming.Mode);
        Assert.Equal(Nonlinearity.Relu, kaiming.Nonlinearity);
        Assert.Equal(new[] { "Conv2d" }, kaiming.Layer);
    }
}
