using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// TorchSharp's <c>torch.optim.Adam</c> with a step that keeps every native scalar it passes
/// alive until libtorch is done with it (see <see cref="SGD"/> and docs/reliability.md). Same
/// arithmetic in the same order and the same state as <c>torch.optim.Adam</c> (L2 weight decay
/// added to the gradient); named "Adam" for the saved state's type check, as <see cref="SGD"/>.
/// </summary>
public sealed class Adam : TorchSharp.Modules.Adam
{
    /// <summary>Creates the optimizer over one parameter group; arguments as <c>torch.optim.Adam</c>.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>Creates the optimizer over <paramref name="groups"/>; a group's own options win over these defaults.</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad)
        : base(groups, lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var weightDecay = options.weight_decay!.Value;
        var amsgrad = options.amsgrad!.Value;
        var maximize = options.maximize!.Value;
        var learningRate = options.LearningRate!.Value;
        using var decayScalar = weightDecay.ToScalar();
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta1 = (1.0 - beta1).ToScalar();
        using var oneMinusBeta2 = (1.0 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            if (maximize)
            {
                grad = -grad;
            }

            state.step += 1;
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            if (weightDecay != 0)
            {
                grad = grad.add(parameter, decayScalar);
            }

            state.exp_avg.mul_(beta1Scalar).add_(grad, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, oneMinusBeta2);
            if (amsgrad)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = torch.maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
            }

            using var correction2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-(learningRate / biasCorrection1)).ToScalar();
            var denominator = (amsgrad ? state.max_exp_avg_sq : state.exp_avg_sq).sqrt().div_(correction2).add_(eps, ScalarConstants.One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
