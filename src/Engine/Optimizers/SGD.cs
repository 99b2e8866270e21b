using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// TorchSharp's <c>torch.optim.SGD</c> with a step that keeps every native scalar it passes alive
/// until libtorch is done with it. TorchSharp's own step turns momentum, weight decay and the
/// learning rate into temporary scalars that a garbage collection can free mid-call
/// (docs/reliability.md). Same arithmetic in the same order, same state (checkpoints are
/// unchanged), so results are bit for bit those of <c>torch.optim.SGD</c>. It keeps the class name
/// "SGD" because TorchSharp writes that name into a saved optimizer state and checks it on load:
/// checkpoints written before and after this class existed resume in both.
/// </summary>
public sealed class SGD : TorchSharp.Modules.SGD
{
    /// <summary>Creates the optimizer over one parameter group; arguments as <c>torch.optim.SGD</c>.</summary>
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum, double dampening, double weightDecay, bool nesterov)
        : base(parameters, lr, momentum, dampening, weightDecay, nesterov)
    {
    }

    /// <summary>Creates the optimizer over <paramref name="groups"/>; a group's own options win over these defaults.</summary>
    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, bool nesterov)
        : base(groups, lr, momentum, dampening, weightDecay, nesterov)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var momentum = options.momentum!.Value;
        var weightDecay = options.weight_decay!.Value;
        var nesterov = options.nesterov!.Value;
        var learningRate = options.LearningRate!.Value;
        using var momentumScalar = momentum.ToScalar();
        using var decayScalar = weightDecay.ToScalar();
        using var keptFraction = (1.0 - options.dampening!.Value).ToScalar();
        using var stepScalar = (options.maximize!.Value ? learningRate : -learningRate).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            if (weightDecay != 0)
            {
                grad = grad.add(parameter, decayScalar);
            }

            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    buffer.mul_(momentumScalar).add_(grad, keptFraction);
                }

                grad = nesterov ? grad.add(buffer, momentumScalar) : buffer;
                state.momentum_buffer = buffer;
            }

            parameter.add_(grad, stepScalar);
        }
    }, closure);
}
