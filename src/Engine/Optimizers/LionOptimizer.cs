using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>Lion, the sign-of-momentum optimizer, as lion-pytorch's <c>Lion</c> that mmengine registers (see <see cref="Lion"/>).</summary>
[RegisterModel("Lion")]
public sealed class LionOptimizer : OptimizerBuilder
{
    private readonly double beta1;
    private readonly double beta2;

    /// <summary>Creates the builder.</summary>
    /// <param name="lr">The learning rate; every step moves each weight by exactly lr (before weight decay).</param>
    /// <param name="betas">[beta1, beta2]: the interpolation the update's sign is taken of, and the decay rate of the momentum.</param>
    /// <param name="weightDecay">The decoupled weight decay factor.</param>
    public LionOptimizer(
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double lr = 1e-4,
        [DefaultItems(0.9, 0.99)][ValueRange(0, 1)] double[]? betas = null,
        [ValueRange(Minimum = 0)] double weightDecay = 0)
    {
        betas ??= [0.9, 0.99];
        if (!(lr > 0) || double.IsInfinity(lr))
        {
            throw new ConfigValueException("lr", lr, "a finite number > 0");
        }

        if (betas.Length != 2 || betas.Any(beta => !(beta >= 0 && beta <= 1)))
        {
            throw new ConfigValueException("betas", betas, "two numbers in [0, 1]");
        }

        LearningRate = lr;
        beta1 = betas[0];
        beta2 = betas[1];
        WeightDecay = weightDecay;
    }

    /// <inheritdoc />
    public override double LearningRate { get; }

    /// <inheritdoc />
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups) => new Lion(
        groups.Select(group => new Lion.ParamGroup(group.Parameters, new Lion.Options { LearningRate = group.LearningRate, WeightDecay = group.WeightDecay })),
        LearningRate,
        beta1,
        beta2,
        WeightDecay);
}
