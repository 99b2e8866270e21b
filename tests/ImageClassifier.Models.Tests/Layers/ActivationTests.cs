using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class ActivationTests
{
    private static readonly float[] Inputs = [-4f, -1.5f, -0.5f, 0f, 0.5f, 2f, 6.5f];

    public static TheoryData<string, ActivationBuilder, Func<double, double>> Activations() => new()
    {
        { "ReLU", new ReLUActivationConfig().Build(), x => Math.Max(0, x) },
        { "ReLU6", new ReLU6ActivationConfig().Build(), x => Math.Clamp(x, 0, 6) },
        { "LeakyReLU", new LeakyReLUActivationConfig { NegativeSlope = 0.2 }.Build(), x => x >= 0 ? x : 0.2 * x },
        { "GELU", new GeluActivationConfig().Build(), x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))) },
        { "GELU tanh", new GeluActivationConfig { Approximate = "tanh" }.Build(), x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))) },
        { "SiLU", new SiLUActivationConfig().Build(), x => x / (1 + Math.Exp(-x)) },
        { "Sigmoid", new SigmoidActivationConfig().Build(), x => 1 / (1 + Math.Exp(-x)) },
        { "Tanh", new TanhActivationConfig().Build(), Math.Tanh },
        { "HSwish", new HSwishActivationConfig().Build(), x => x * Math.Clamp(x + 3, 0, 6) / 6 },
        { "HSigmoid", new HSigmoidActivationConfig().Build(), x => Math.Clamp(x + 3, 0, 6) / 6 },
        { "HSigmoid mmcv 1", new HSigmoidActivationConfig { Bias = 1, Divisor = 2 }.Build(), x => Math.Clamp((x + 1) / 2, 0, 1) },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activations_compute_their_formula(string name, ActivationBuilder builder, Func<double, double> formula)
    {
        using var module = builder.Create();
        using var input = tensor(Inputs);
        using var output = module.call(input);
        var values = output.data<float>().ToArray();
        for (var index = 0; index < Inputs.Length; index++)
        {
            Assert.True(Math.Abs(formula(Inputs[index]) - values[index]) < 1e-5, $"{name}({Inputs[index]}) = {values[index]}, expected {formula(Inputs[index])}");
        }
    }

    [Fact]
    public void Registry_names_are_mmcv_names()
    {
        Assert.Equal("ReLU", new ReLUActivationConfig().TypeName);
        Assert.Equal("ReLU6", new ReLU6ActivationConfig().TypeName);
        Assert.Equal("GELU", new GeluActivationConfig().TypeName);
        Assert.Equal("SiLU", new SiLUActivationConfig().TypeName);
        Assert.Equal("HSwish", new HSwishActivationConfig().TypeName);
        Assert.Equal("HSigmoid", new HSigmoidActivationConfig().TypeName);
        Assert.Contains("Swish", SiLUActivationConfig.Descriptor.Aliases);
        Assert.Equal("activation", ReLUActivationConfig.Descriptor.Kind);
    }

    [Fact]
    public void Inplace_activations_give_the_same_values()
    {
        using var module = new ReLUActivationConfig { Inplace = true }.Build().Create();
        using var input = tensor(Inputs);
        using var output = module.call(input.clone());
        Assert.Equal(Inputs.Select(x => Math.Max(0f, x)), output.data<float>().ToArray());
    }

    // erf by its Taylor series, which is accurate to 1e-9 for the |x| <= 4.6 used here.
    private static double Erf(double x)
    {
        var sum = 0.0;
        var term = x;
        for (var n = 0; n < 80; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
