using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>LAMB with global gradient-norm clipping and trust ratios, as mmpretrain's <c>Lamb</c> (see <see cref="Lamb"/>); mmpretrain's RSB recipes use it.</summary>
[RegisterModel("Lamb")]
public sealed class LambOptimizer : OptimizerBuilder
{
    private readonly bool biasCorrection;
    private readonly double beta1;
    private readonly double beta2;
    private readonly double eps;
    private readonly bool gradAveraging;
    private readonly double maxGradNorm;
    private readonly bool trustClip;
    private readonly bool alwaysAdapt;

    /// <summary>Creates the builder.</summary>
    /// <param name="lr">The learning rate.</param>
    /// <param name="biasCorrection">Correct the moment estimates for their zero start.</param>
    /// <param name="betas">The decay rates of the first and second moment estimates, [beta1, beta2].</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">The decoupled weight decay factor; parameters without it keep their update unscaled unless always_adapt.</param>
    /// <param name="gradAveraging">Weigh the gradient by 1 - beta1 in the first moment estimate.</param>
    /// <param name="maxGradNorm">The global gradient norm above which all gradients are scaled down to it, before the step.</param>
    /// <param name="trustClip">Cap the trust ratio at 1 (LAMBC).</param>
    /// <param name="alwaysAdapt">Apply the trust ratio to parameters without weight decay too.</param>
    public LambOptimizer(
        [ValueRange(Minimum = 0)] double lr = 1e-3,
        bool biasCorrection = true,
        [DefaultItems(0.9, 0.999)][ValueRange(0, 1, MaximumExclusive = true)] double[]? betas = null,
        [ValueRange(Minimum = 0)] double eps = 1e-6,
        [ValueRange(Minimum = 0)] double weightDecay = 0.01,
        bool gradAveraging = true,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double maxGradNorm = 1.0,
        bool trustClip = false,
        bool alwaysAdapt = false)
    {
        betas ??= [0.9, 0.999];
        RequireLearningRate(lr);
        RequireBetas(betas);

        if (!(maxGradNorm > 0))
        {
            throw new ConfigValueException("max_grad_norm", maxGradNorm, "a number > 0");
        }

        LearningRate = lr;
        this.biasCorrection = biasCorrection;
        beta1 = betas[0];
        beta2 = betas[1];
        this.eps = eps;
        WeightDecay = weightDecay;
        this.gradAveraging = gradAveraging;
        this.maxGradNorm = maxGradNorm;
        this.trustClip = trustClip;
        this.alwaysAdapt = alwaysAdapt;
    }

    /// <inheritdoc />
    public override double LearningRate { get; }

    /// <inheritdoc />
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups) => new Lamb(
        groups.Select(group => new Lamb.ParamGroup(group.Parameters, new Lamb.Options { LearningRate = group.LearningRate, WeightDecay = group.WeightDecay })),
        LearningRate,
        biasCorrection,
        beta1,
        beta2,
        eps,
        WeightDecay,
        gradAveraging,
        maxGradNorm,
        trustClip,
        alwaysAdapt);
}
