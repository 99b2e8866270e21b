using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>RMSprop, optionally centered and with momentum, as <c>torch.optim.RMSprop</c> (mmpretrain's MobileNetV3 recipes use it).</summary>
[RegisterModel("RMSprop")]
public sealed class RmspropOptimizer : OptimizerBuilder
{
    private readonly double alpha;
    private readonly double eps;
    private readonly double momentum;
    private readonly bool centered;

    /// <summary>Creates the builder.</summary>
    /// <param name="lr">The learning rate.</param>
    /// <param name="alpha">The smoothing constant of the running average of squared gradients.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradients.</param>
    /// <param name="momentum">The momentum factor; 0 for none.</param>
    /// <param name="centered">Normalise by an estimate of the gradient's variance (the squared average minus the square of the running mean gradient).</param>
    public RmspropOptimizer(
        [ValueRange(Minimum = 0)] double lr = 1e-2,
        [ValueRange(Minimum = 0)] double alpha = 0.99,
        [ValueRange(Minimum = 0)] double eps = 1e-8,
        [ValueRange(Minimum = 0)] double weightDecay = 0,
        [ValueRange(Minimum = 0)] double momentum = 0,
        bool centered = false)
    {
        RequireLearningRate(lr);

        LearningRate = lr;
        this.alpha = alpha;
        this.eps = eps;
        WeightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    /// <inheritdoc />
    public override double LearningRate { get; }

    /// <inheritdoc />
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups) => new RMSProp(
        groups.Select(group => new RMSProp.ParamGroup(group.Parameters, new RMSProp.Options { LearningRate = group.LearningRate, weight_decay = group.WeightDecay })),
        LearningRate,
        alpha,
        eps,
        WeightDecay,
        momentum,
        centered);
}
