using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms"), as lion-pytorch's
/// <c>Lion</c>, which mmengine registers: the weight decays by 1 - lr * weight_decay, moves by
/// -lr * sign(beta1 * m + (1 - beta1) * g), and only then the momentum m becomes
/// beta2 * m + (1 - beta2) * g. Every native scalar it passes lives until libtorch is done with it.
/// </summary>
public sealed class Lion : GroupedOptimizer<Lion.Options>
{
    /// <summary>Creates the optimizer over <paramref name="groups"/>; a group's own options win over the others.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="beta1">The interpolation between momentum and gradient that the update's sign is taken of.</param>
    /// <param name="beta2">The decay rate of the momentum.</param>
    /// <param name="weightDecay">The decoupled weight decay factor.</param>
    public Lion(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double weightDecay)
        : base(new Options { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, WeightDecay = weightDecay }, groups)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var learningRate = options.LearningRate!.Value;
        var beta1 = options.Beta1!.Value;
        var beta2 = options.Beta2!.Value;
        using var decayFactor = (1.0 - (learningRate * options.WeightDecay!.Value)).ToScalar();
        using var beta1Scalar = beta1.ToScalar();
        using var oneMinusBeta1 = (1.0 - beta1).ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta2 = (1.0 - beta2).ToScalar();
        using var stepScalar = (-learningRate).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } grad)
            {
                continue;
            }

            var state = (State)_state[parameter.Handle];
            parameter.mul_(decayFactor);
            var update = state.ExpAvg.clone().mul_(beta1Scalar).add(grad, oneMinusBeta1).sign_();
            parameter.add_(update, stepScalar);
            state.ExpAvg.mul_(beta2Scalar).add_(grad, oneMinusBeta2);
        }
    }, closure);

    /// <inheritdoc />
    protected override void CompleteFromDefaults(Options options)
    {
        options.Beta1 ??= Defaults.Beta1;
        options.Beta2 ??= Defaults.Beta2;
        options.WeightDecay ??= Defaults.WeightDecay;
    }

    /// <inheritdoc />
    protected override OptimizerState CreateState(Parameter parameter) => new State(parameter);

    /// <summary>A parameter group; momentum schedulers drive its beta1, as mmengine's do for optimizers with betas.</summary>
    /// <param name="parameters">The group's parameters.</param>
    /// <param name="options">Its options; unset ones come from the optimizer's.</param>
    public sealed class ParamGroup(IEnumerable<Parameter> parameters, Options options) : ParamGroup<Options>(parameters, options), optim.IBetas
    {
        /// <inheritdoc />
        public (double, double) Betas
        {
            get => (Options.Beta1!.Value, Options.Beta2!.Value);
            set => (Options.Beta1, Options.Beta2) = value;
        }
    }

    /// <summary>The options of a parameter group.</summary>
    public sealed class Options : OptimizerOptions
    {
        /// <summary>The interpolation between momentum and gradient that the update's sign is taken of.</summary>
        public double? Beta1 { get; set; }

        /// <summary>The decay rate of the momentum.</summary>
        public double? Beta2 { get; set; }

        /// <summary>The decoupled weight decay factor.</summary>
        public double? WeightDecay { get; set; }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            base.SaveStateDict(writer);
            writer.Write(Beta1!.Value);
            writer.Write(Beta2!.Value);
            writer.Write(WeightDecay!.Value);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            ArgumentNullException.ThrowIfNull(reader);
            base.LoadStateDict(reader);
            Beta1 = reader.ReadDouble();
            Beta2 = reader.ReadDouble();
            WeightDecay = reader.ReadDouble();
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var options = (Options)source;
            Beta1 = options.Beta1;
            Beta2 = options.Beta2;
            WeightDecay = options.WeightDecay;
        }
    }

    /// <summary>A parameter's momentum.</summary>
    public sealed class State : OptimizerState, IDisposable
    {
        /// <summary>Creates the state of <paramref name="parameter"/>; <see cref="Initialize"/> fills it.</summary>
        public State(Parameter parameter)
            : base(parameter)
        {
        }

        /// <summary>The momentum, a running average of the gradient.</summary>
        public Tensor ExpAvg { get; private set; } = null!;

        /// <inheritdoc />
        public override void Initialize(OptimizerOptions options)
        {
            Dispose();
            ExpAvg = torch.zeros_like(_parameter).DetachFromDisposeScope();
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer) => ExpAvg.Save(writer);

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader) => ExpAvg.Load(reader);

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerState source)
        {
            Dispose();
            ExpAvg = ((State)source).ExpAvg.to(_parameter.device, copy: true).DetachFromDisposeScope();
        }

        /// <inheritdoc />
        public override void to(Device device) => ExpAvg = ExpAvg.to(device, disposeAfter: true);

        /// <summary>Frees the momentum.</summary>
        public void Dispose() => ExpAvg?.Dispose();
    }
}
