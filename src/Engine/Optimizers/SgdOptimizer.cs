using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, as <c>torch.optim.SGD</c>.</summary>
[RegisterModel("SGD")]
public sealed class SgdOptimizer : OptimizerBuilder
{
    private readonly double momentum;
    private readonly double dampening;
    private readonly bool nesterov;

    /// <summary>Creates the builder.</summary>
    /// <param name="lr">The learning rate.</param>
    /// <param name="momentum">The momentum factor; 0 for plain SGD.</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="weightDecay">L2 penalty added to the gradients.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    public SgdOptimizer(
        [ValueRange(Minimum = 0)] double lr,
        [ValueRange(Minimum = 0)] double momentum = 0,
        [ValueRange(Minimum = 0)] double dampening = 0,
        [ValueRange(Minimum = 0)] double weightDecay = 0,
        bool nesterov = false)
    {
        RequireLearningRate(lr);

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ConfigValueException("nesterov", true, "false unless momentum > 0 and dampening is 0 (Nesterov momentum needs both)");
        }

        LearningRate = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        WeightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /// <inheritdoc />
    public override double LearningRate { get; }

    /// <inheritdoc />
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups) => new SGD(
        groups.Select(group => new SGD.ParamGroup(group.Parameters, new SGD.Options { LearningRate = group.LearningRate, weight_decay = group.WeightDecay })),
        LearningRate,
        momentum,
        dampening,
        WeightDecay,
        nesterov);
}
