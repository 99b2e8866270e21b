using ImageClassifier.Engine.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>One or two steps on a single weight w = 1 with loss w * 1 (gradient 1), against hand-computed values.</summary>
public sealed class OptimizerBuilderTests
{
    private static double[] Steps(OptimizerBuilder builder, int steps)
    {
        using var weight = new Parameter(torch.ones(1, dtype: ScalarType.Float64));
        using var optimizer = builder.Create([new ParameterGroup([("weight", weight)], builder.LearningRate, builder.WeightDecay)]);
        var values = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            optimizer.zero_grad();
            using (var loss = weight.sum())
            {
                loss.backward();
            }

            optimizer.step();
            values[i] = weight.item<double>();
        }

        return values;
    }

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        Assert.Equal(0.9, Steps(new SgdOptimizer(lr: 0.1), 1)[0], 12);
    }

    [Fact]
    public void Sgd_weight_decay_adds_to_the_gradient()
    {
        // gradient 1 + 0.5 * 1 = 1.5
        Assert.Equal(0.85, Steps(new SgdOptimizer(lr: 0.1, weightDecay: 0.5), 1)[0], 12);
    }

    [Fact]
    public void Sgd_momentum_and_nesterov()
    {
        // Momentum: buffers 1, then 0.9 * 1 + 1 = 1.9: w = 0.9, then 0.9 - 0.19 = 0.71.
        Assert.Equal([0.9, 0.71], Steps(new SgdOptimizer(lr: 0.1, momentum: 0.9), 2).Select(value => Math.Round(value, 12)));

        // Nesterov: the step is g + 0.9 * buffer = 1 + 0.9 = 1.9 on the first step: w = 0.81.
        Assert.Equal(0.81, Steps(new SgdOptimizer(lr: 0.1, momentum: 0.9, nesterov: true), 1)[0], 12);
    }

    [Fact]
    public void AdamW_decays_the_weight_then_takes_a_unit_step()
    {
        // w * (1 - lr * wd) = 0.999, then lr * m_hat / (sqrt(v_hat) + eps) = 0.1 * 1 / (1 + 1e-8).
        Assert.Equal(0.999 - (0.1 / (1 + 1e-8)), Steps(new AdamWOptimizer(lr: 0.1, weightDecay: 0.01), 1)[0], 10);
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_member()
    {
        Assert.Equal("nesterov", Assert.Throws<ConfigValueException>(() => new SgdOptimizer(lr: 0.1, nesterov: true)).Member);
        Assert.Equal("betas", Assert.Throws<ConfigValueException>(() => new AdamWOptimizer(betas: [0.9])).Member);
    }
}
