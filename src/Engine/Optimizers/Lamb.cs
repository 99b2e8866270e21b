using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// LAMB (You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes"),
/// as mmpretrain's <c>Lamb</c> (timm's NVLAMB variant) computes it: the gradients of all groups are
/// first divided by their global L2 norm over <c>max_grad_norm</c> when it exceeds that; then per
/// parameter an Adam update (optionally without bias correction, and with <c>1 - beta1</c> on the
/// gradient only with grad averaging) plus decoupled weight decay, scaled by the trust ratio
/// ||w|| / ||update|| (1 where either norm is 0; at most 1 with trust clipping) for parameters with
/// weight decay (all with always_adapt). Like mmpretrain it divides the gradients in place and
/// counts steps per group. Every native scalar it passes lives until libtorch is done with it.
/// </summary>
public sealed class Lamb : GroupedOptimizer<Lamb.Options>
{
    private readonly double maxGradNorm;

    /// <summary>Creates the optimizer over <paramref name="groups"/>; a group's own options win over the others.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="biasCorrection">Correct the moment estimates for their zero start.</param>
    /// <param name="beta1">The decay rate of the first moment estimate.</param>
    /// <param name="beta2">The decay rate of the second moment estimate.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">The decoupled weight decay factor.</param>
    /// <param name="gradAveraging">Weigh the gradient by 1 - beta1 in the first moment estimate.</param>
    /// <param name="maxGradNorm">The global gradient norm above which all gradients are scaled down to it.</param>
    /// <param name="trustClip">Cap the trust ratio at 1 (LAMBC).</param>
    /// <param name="alwaysAdapt">Apply the trust ratio to parameters without weight decay too.</param>
    public Lamb(
        IEnumerable<ParamGroup> groups,
        double lr,
        bool biasCorrection,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        bool gradAveraging,
        double maxGradNorm,
        bool trustClip,
        bool alwaysAdapt)
        : base(
            new Options
            {
                LearningRate = lr,
                BiasCorrection = biasCorrection,
                Beta1 = beta1,
                Beta2 = beta2,
                Eps = eps,
                WeightDecay = weightDecay,
                GradAveraging = gradAveraging,
                TrustClip = trustClip,
                AlwaysAdapt = alwaysAdapt,
            },
            groups)
    {
        this.maxGradNorm = maxGradNorm;
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null)
    {
        // The clipping divisor needs every gradient before any group steps, as mmpretrain computes it.
        GlobalTerms? global = null;
        return _step<ParamGroup>(group => StepGroup(group, global ??= ComputeGlobalTerms()), closure);
    }

    /// <inheritdoc />
    protected override void CompleteFromDefaults(Options options)
    {
        options.BiasCorrection ??= Defaults.BiasCorrection;
        options.Beta1 ??= Defaults.Beta1;
        options.Beta2 ??= Defaults.Beta2;
        options.Eps ??= Defaults.Eps;
        options.WeightDecay ??= Defaults.WeightDecay;
        options.GradAveraging ??= Defaults.GradAveraging;
        options.TrustClip ??= Defaults.TrustClip;
        options.AlwaysAdapt ??= Defaults.AlwaysAdapt;
    }

    /// <inheritdoc />
    protected override OptimizerState CreateState(Parameter parameter) => new State(parameter);

    // Runs inside _step's no-grad dispose scope, which frees these tensors after the last group.
    private GlobalTerms ComputeGlobalTerms()
    {
        var device = _parameter_groups.SelectMany(group => group.Parameters).First().device;
        var dtype = torch.get_default_dtype();
        var one = torch.tensor(1.0, dtype, device);
        var squaredNorm = torch.zeros(1, device: device);
        foreach (var parameter in _parameter_groups.SelectMany(group => group.Parameters))
        {
            if (parameter.grad is { } grad)
            {
                squaredNorm.add_(grad.mul(grad).sum(), ScalarConstants.One);
            }
        }

        var norm = squaredNorm.sqrt();
        var limit = torch.tensor(maxGradNorm, dtype, device);
        return new GlobalTerms(torch.where(norm.gt(limit), norm.div(limit), one), one);
    }

    private void StepGroup(ParamGroup group, GlobalTerms global)
    {
        var options = group.Options;
        options.Step += 1;
        var beta1 = options.Beta1!.Value;
        var beta2 = options.Beta2!.Value;
        var weightDecay = options.WeightDecay!.Value;
        var biasCorrection1 = options.BiasCorrection!.Value ? 1 - Math.Pow(beta1, options.Step) : 1.0;
        var biasCorrection2 = options.BiasCorrection.Value ? 1 - Math.Pow(beta2, options.Step) : 1.0;
        var adapt = weightDecay != 0 || options.AlwaysAdapt!.Value;
        using var beta1Scalar = beta1.ToScalar();
        using var gradientWeight = (options.GradAveraging!.Value ? 1 - beta1 : 1.0).ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta2 = (1 - beta2).ToScalar();
        using var correction1 = biasCorrection1.ToScalar();
        using var correction2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var eps = options.Eps!.Value.ToScalar();
        using var decay = weightDecay.ToScalar();
        using var stepScalar = (-options.LearningRate!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } rawGrad)
            {
                continue;
            }

            var state = (State)_state[parameter.Handle];
            var grad = rawGrad.div_(global.ClipDivisor);
            state.ExpAvg.mul_(beta1Scalar).add_(grad, gradientWeight);
            state.ExpAvgSq.mul_(beta2Scalar).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = state.ExpAvgSq.sqrt().div_(correction2).add_(eps, ScalarConstants.One);
            var update = state.ExpAvg.div(correction1).div_(denominator);
            if (weightDecay != 0)
            {
                update.add_(parameter, decay);
            }

            if (adapt)
            {
                var weightNorm = parameter.norm();
                var updateNorm = update.norm();
                var trustRatio = torch.where(
                    weightNorm.gt(ScalarConstants.Zero),
                    torch.where(updateNorm.gt(ScalarConstants.Zero), weightNorm.div(updateNorm), global.One),
                    global.One);
                if (options.TrustClip!.Value)
                {
                    trustRatio = torch.minimum(trustRatio, global.One);
                }

                update.mul_(trustRatio);
            }

            parameter.add_(update, stepScalar);
        }
    }

    private sealed record GlobalTerms(Tensor ClipDivisor, Tensor One);

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

    /// <summary>The options of a parameter group, and its step count (mmpretrain counts steps per group).</summary>
    public sealed class Options : OptimizerOptions
    {
        /// <summary>Correct the moment estimates for their zero start.</summary>
        public bool? BiasCorrection { get; set; }

        /// <summary>The decay rate of the first moment estimate.</summary>
        public double? Beta1 { get; set; }

        /// <summary>The decay rate of the second moment estimate.</summary>
        public double? Beta2 { get; set; }

        /// <summary>Added to the denominator.</summary>
        public double? Eps { get; set; }

        /// <summary>The decoupled weight decay factor.</summary>
        public double? WeightDecay { get; set; }

        /// <summary>Weigh the gradient by 1 - beta1 in the first moment estimate.</summary>
        public bool? GradAveraging { get; set; }

        /// <summary>Cap the trust ratio at 1.</summary>
        public bool? TrustClip { get; set; }

        /// <summary>Apply the trust ratio to parameters without weight decay too.</summary>
        public bool? AlwaysAdapt { get; set; }

        /// <summary>The steps the group has taken.</summary>
        public long Step { get; set; }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            base.SaveStateDict(writer);
            writer.Write(BiasCorrection!.Value);
            writer.Write(Beta1!.Value);
            writer.Write(Beta2!.Value);
            writer.Write(Eps!.Value);
            writer.Write(WeightDecay!.Value);
            writer.Write(GradAveraging!.Value);
            writer.Write(TrustClip!.Value);
            writer.Write(AlwaysAdapt!.Value);
            writer.Write(Step);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            ArgumentNullException.ThrowIfNull(reader);
            base.LoadStateDict(reader);
            BiasCorrection = reader.ReadBoolean();
            Beta1 = reader.ReadDouble();
            Beta2 = reader.ReadDouble();
            Eps = reader.ReadDouble();
            WeightDecay = reader.ReadDouble();
            GradAveraging = reader.ReadBoolean();
            TrustClip = reader.ReadBoolean();
            AlwaysAdapt = reader.ReadBoolean();
            Step = reader.ReadInt64();
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var options = (Options)source;
            BiasCorrection = options.BiasCorrection;
            Beta1 = options.Beta1;
            Beta2 = options.Beta2;
            Eps = options.Eps;
            WeightDecay = options.WeightDecay;
            GradAveraging = options.GradAveraging;
            TrustClip = options.TrustClip;
            AlwaysAdapt = options.AlwaysAdapt;
            Step = options.Step;
        }
    }

    /// <summary>A parameter's running averages of the gradient and of its square.</summary>
    public sealed class State : OptimizerState, IDisposable
    {
        /// <summary>Creates the state of <paramref name="parameter"/>; <see cref="Initialize"/> fills it.</summary>
        public State(Parameter parameter)
            : base(parameter)
        {
        }

        /// <summary>The running average of the gradient.</summary>
        public Tensor ExpAvg { get; private set; } = null!;

        /// <summary>The running average of the squared gradient.</summary>
        public Tensor ExpAvgSq { get; private set; } = null!;

        /// <inheritdoc />
        public override void Initialize(OptimizerOptions options)
        {
            Dispose();
            ExpAvg = torch.zeros_like(_parameter).DetachFromDisposeScope();
            ExpAvgSq = torch.zeros_like(_parameter).DetachFromDisposeScope();
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            ExpAvg.Save(writer);
            ExpAvgSq.Save(writer);
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            ExpAvg.Load(reader);
            ExpAvgSq.Load(reader);
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerState source)
        {
            var state = (State)source;
            Dispose();
            ExpAvg = state.ExpAvg.to(_parameter.device, copy: true).DetachFromDisposeScope();
            ExpAvgSq = state.ExpAvgSq.to(_parameter.device, copy: true).DetachFromDisposeScope();
        }

        /// <inheritdoc />
        public override void to(Device device)
        {
            ExpAvg = ExpAvg.to(device, disposeAfter: true);
            ExpAvgSq = ExpAvgSq.to(device, disposeAfter: true);
        }

        /// <summary>Frees the averages.</summary>
        public void Dispose()
        {
            ExpAvg?.Dispose();
            ExpAvgSq?.Dispose();
        }
    }
}
