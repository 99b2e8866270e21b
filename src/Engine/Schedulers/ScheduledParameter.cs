using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// The optimizer setting a <see cref="ParamScheduler"/> drives in each parameter group, mmengine's
/// <c>param_name</c>: the learning rate, or the momentum, which is SGD's <c>momentum</c> and the
/// first of the Adam family's <c>betas</c>, as mmengine's momentum schedulers take it.
/// </summary>
public abstract class ScheduledParameter
{
    private ScheduledParameter()
    {
    }

    /// <summary>The learning rate (<c>lr</c>).</summary>
    public static ScheduledParameter LearningRate { get; } = new LearningRateParameter();

    /// <summary>The momentum (<c>momentum</c>: SGD's momentum, or beta1 of Adam and AdamW).</summary>
    public static ScheduledParameter Momentum { get; } = new MomentumParameter();

    /// <summary>mmengine's name of the setting: "lr" or "momentum".</summary>
    public abstract string Name { get; }

    /// <summary>Whether <paramref name="group"/> has this setting.</summary>
    public abstract bool IsIn(optim.ILearningRateController group);

    /// <summary>The setting's current value in <paramref name="group"/>.</summary>
    public abstract double Get(optim.ILearningRateController group);

    /// <summary>Sets the setting's value in <paramref name="group"/>.</summary>
    public abstract void Set(optim.ILearningRateController group, double value);

    /// <summary>
    /// The value the schedules of <paramref name="group"/> start from (mmengine's
    /// <c>initial_lr</c>, <c>initial_momentum</c>): the value before the first scheduler of this
    /// setting changed it, so that every scheduler of a chain starts from the same base.
    /// </summary>
    public abstract double Initial(optim.ILearningRateController group);

    private sealed class LearningRateParameter : ScheduledParameter
    {
        public override string Name => "lr";

        public override bool IsIn(optim.ILearningRateController group) => true;

        public override double Get(optim.ILearningRateController group) => group.LearningRate;

        public override void Set(optim.ILearningRateController group, double value) => group.LearningRate = value;

        // TorchSharp keeps the rate a group was created with; auto_scale_lr and OneCycleLR change it as mmengine changes initial_lr.
        public override double Initial(optim.ILearningRateController group) => group.InitialLearningRate;
    }

    private sealed class MomentumParameter : ScheduledParameter
    {
        // TorchSharp's groups have no room for an initial momentum; the first scheduler to ask records it, as mmengine's setdefault does.
        private static readonly ConditionalWeakTable<optim.ILearningRateController, StrongBox<double>> InitialValues = [];

        public override string Name => "momentum";

        public override bool IsIn(optim.ILearningRateController group) => group is optim.IMomentum or optim.IBetas;

        public override double Get(optim.ILearningRateController group) => group switch
        {
            optim.IMomentum sgd => sgd.Momentum,
            optim.IBetas adam => adam.Betas.Item1,
            _ => throw Unsupported(group),
        };

        public override void Set(optim.ILearningRateController group, double value)
        {
            switch (group)
            {
                case optim.IMomentum sgd:
                    sgd.Momentum = value;
                    break;
                case optim.IBetas adam:
                    adam.Betas = (value, adam.Betas.Item2);
                    break;
                default:
                    throw Unsupported(group);
            }
        }

        public override double Initial(optim.ILearningRateController group) =>
            InitialValues.GetValue(group, first => new StrongBox<double>(Get(first))).Value;

        private static InvalidOperationException Unsupported(optim.ILearningRateController group) =>
            new($"The parameter group {group.GetType().FullName} has neither a momentum nor betas.");
    }
}
