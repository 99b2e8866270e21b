using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// TorchSharp's <c>torch.optim.RMSprop</c> with a step that keeps every native scalar it passes
/// alive until libtorch is done with it (see <see cref="SGD"/> and docs/reliability.md). Same
/// arithmetic in the same order and the same state as <c>torch.optim.RMSprop</c> (centered and
/// momentum variants included). It keeps TorchSharp's class name "RMSProp", which TorchSharp
/// writes into a saved state and checks on load, so states move between the two classes.
/// </summary>
public sealed class RMSProp : TorchSharp.Modules.RMSProp
{
    /// <summary>Creates the optimizer over one parameter group; arguments as <c>torch.optim.RMSprop</c>.</summary>
    public RMSProp(IEnumerable<Parameter> parameters, double lr, double alpha, double eps, double weightDecay, double momentum, bool centered)
        : base(parameters, lr, alpha, eps, weightDecay, momentum, centered)
    {
    }

    /// <summary>Creates the optimizer over <paramref name="groups"/>; a group's own options win over these defaults.</summary>
    public RMSProp(IEnumerable<ParamGroup> groups, double lr, double alpha, double eps, double weightDecay, double momentum, bool centered)
        : base(groups, lr, alpha, eps, weightDecay, momentum, centered)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var alpha = options.alpha!.Value;
        var momentum = options.momentum!.Value;
        var weightDecay = options.weight_decay!.Value;
        var centered = options.centered!.Value;
        var maximize = options.maximize!.Value;
        using var alphaScalar = alpha.ToScalar();
        using var oneMinusAlpha = (1.0 - alpha).ToScalar();
        using var momentumScalar = momentum.ToScalar();
        using var decayScalar = weightDecay.ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        using var stepScalar = (-options.LearningRate!.Value).ToScalar();
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
            if (weightDecay != 0)
            {
                grad = grad.add(parameter, decayScalar);
            }

            state.square_avg.mul_(alphaScalar).addcmul_(grad, grad, oneMinusAlpha);
            Tensor average;
            if (centered)
            {
                state.grad_avg.mul_(alphaScalar).add_(grad, oneMinusAlpha);
                average = state.square_avg.addcmul(state.grad_avg, state.grad_avg, ScalarConstants.MinusOne).sqrt_().add_(eps, ScalarConstants.One);
            }
            else
            {
                average = state.square_avg.sqrt().add_(eps, ScalarConstants.One);
            }

            if (momentum > 0)
            {
                state.momentum_buffer.mul_(momentumScalar).addcdiv_(grad, average, ScalarConstants.One);
                parameter.add_(state.momentum_buffer, stepScalar);
            }
            else
            {
                parameter.addcdiv_(grad, average, stepScalar);
            }
        }
    }, closure);
}
