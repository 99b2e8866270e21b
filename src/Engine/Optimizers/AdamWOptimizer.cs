using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>Adam with decoupled weight decay, as <c>torch.optim.AdamW</c>.</summary>
[RegisterModel("AdamW")]
public sealed class AdamWOptimizer : OptimizerBuilder
{
    private readonly double beta1;
    private readonly double beta2;
    private readonly double eps;
    private readonly bool amsgrad;

    /// <summary>Creates the builder.</summary>
    /// <param name="lr">The learning rate.</param>
    /// <param name="betas">The decay rates of the first and second moment estimates, [beta1, beta2].</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">The decoupled weight decay factor.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    public AdamWOptimizer(
        [ValueRange(Minimum = 0)] double lr = 1e-3,
        [DefaultItems(0.9, 0.999)][ValueRange(0, 1, MaximumExclusive = true)] double[]? betas = null,
        [ValueRange(Minimum = 0)] double eps = 1e-8,
        [ValueRange(Minimum = 0)] double weightDecay = 1e-2,
        bool amsgrad = false)
    {
        betas ??= [0.9, 0.999];
        RequireLearningRate(lr);
        RequireBetas(betas);

        LearningRate = lr;
        beta1 = betas[0];
        beta2 = betas[1];
        this.eps = eps;
        WeightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    /// <inheritdoc />
    public override double LearningRate { get; }

    /// <inheritdoc />
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups) => new AdamW(
        groups.Select(group => new AdamW.ParamGroup(group.Parameters, new AdamW.Options { LearningRate = group.LearningRate, weight_decay = group.WeightDecay })),
        LearningRate,
        beta1,
        beta2,
        eps,
        WeightDecay,
        amsgrad);
}
