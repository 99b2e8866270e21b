using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// The optimizer setting a <see cref="ParamScheduler"/> drives in each parameter group, mmengine's
/// <c>param_name</c>: the learning rate; the momentum, which is SGD's <c>momentum</c> and the
/// first of the Adam family's <c>betas</c>, as mmengine's momentum schedulers take it; or any other
/// number the parameter groups' options hold (<c>weight_decay</c>, <c>eps</c>, ...), for the generic
/// <c>*ParamScheduler</c> types.
/// </summary>
public abstract class ScheduledParameter
{
    // TorchSharp's groups have no room for initial values of other settings; the first scheduler to
    // ask records them, as mmengine's setdefault of initial_{param_name} does.
    private static readonly ConditionalWeakTable<optim.ILearningRateController, Dictionary<string, double>> InitialValues = [];

    private ScheduledParameter()
    {
    }

    /// <summary>The learning rate (<c>lr</c>).</summary>
    public static ScheduledParameter LearningRate { get; } = new LearningRateParameter();

    /// <summary>The momentum (<c>momentum</c>: SGD's momentum, or beta1 of Adam and AdamW).</summary>
    public static ScheduledParameter Momentum { get; } = new MomentumParameter();

    /// <summary>mmengine's name of the setting: "lr", "momentum", or the option's own name.</summary>
    public abstract string Name { get; }

    /// <summary>Whether a config named the setting (<c>param_name</c>) rather than the scheduler's type implying it: where an error about it points.</summary>
    public bool NamedInConfig { get; private init; }

    /// <summary>
    /// The setting <paramref name="name"/> names, as mmengine's <c>param_name</c>: "lr",
    /// "momentum", or a number of the optimizer's options by its snake_case name
    /// (<c>weight_decay</c>; our own optimizers' PascalCase option names are found from it too).
    /// </summary>
    /// <exception cref="ConfigValueException">The name is empty.</exception>
    public static ScheduledParameter Named(string name) => name switch
    {
        "lr" => new LearningRateParameter { NamedInConfig = true },
        "momentum" => new MomentumParameter { NamedInConfig = true },
        null or "" => throw new ConfigValueException("param_name", name, "the name of an optimizer setting, such as \"lr\", \"momentum\" or \"weight_decay\""),
        _ when name.Any(char.IsWhiteSpace) => throw new ConfigValueException("param_name", name, "the name of an optimizer setting, without spaces, such as \"weight_decay\""),
        _ => new OptionParameter(name) { NamedInConfig = true },
    };

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

    /// <summary>Replaces the value the schedules of <paramref name="group"/> start from (OneCycle's eta_max / div_factor).</summary>
    public abstract void SetInitial(optim.ILearningRateController group, double value);

    private static double RecordedInitial(optim.ILearningRateController group, string name, Func<double> current)
    {
        var values = InitialValues.GetOrCreateValue(group);
        lock (values)
        {
            if (!values.TryGetValue(name, out var initial))
            {
                values[name] = initial = current();
            }

            return initial;
        }
    }

    private static void RecordInitial(optim.ILearningRateController group, string name, double value)
    {
        var values = InitialValues.GetOrCreateValue(group);
        lock (values)
        {
            values[name] = value;
        }
    }

    private sealed class LearningRateParameter : ScheduledParameter
    {
        public override string Name => "lr";

        public override bool IsIn(optim.ILearningRateController group) => true;

        public override double Get(optim.ILearningRateController group) => group.LearningRate;

        public override void Set(optim.ILearningRateController group, double value) => group.LearningRate = value;

        // TorchSharp keeps the rate a group was created with; auto_scale_lr and OneCycleLR change it as mmengine changes initial_lr.
        public override double Initial(optim.ILearningRateController group) => group.InitialLearningRate;

        public override void SetInitial(optim.ILearningRateController group, double value) => group.InitialLearningRate = value;
    }

    private sealed class MomentumParameter : ScheduledParameter
    {
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

        public override double Initial(optim.ILearningRateController group) => RecordedInitial(group, Name, () => Get(group));

        public override void SetInitial(optim.ILearningRateController group, double value) => RecordInitial(group, Name, value);

        private static InvalidOperationException Unsupported(optim.ILearningRateController group) =>
            new($"The parameter group {group.GetType().FullName} has neither a momentum nor betas.");
    }

    // Any number among a group's options (TorchSharp's ParamGroup<TOptions>.Options), found by reflection
    // because each optimizer declares its own options class: TorchSharp's are snake_case fields or
    // properties (weight_decay), ours PascalCase properties (WeightDecay).
    private sealed class OptionParameter(string name) : ScheduledParameter
    {
        private readonly string pascalName = string.Concat(name.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

        public override string Name => name;

        // Resolved once per group type: the runner steps schedulers every iteration, and reflection lookups there would cost each step.
        private readonly ConcurrentDictionary<Type, Accessor?> accessors = new();

        public override bool IsIn(optim.ILearningRateController group) => Find(group)?.Read(group) is not null;

        public override double Get(optim.ILearningRateController group) =>
            Find(group)?.Read(group) ?? throw new InvalidOperationException($"The parameter group {group.GetType().FullName} has no number '{name}'.");

        public override void Set(optim.ILearningRateController group, double value)
        {
            var accessor = Find(group) ?? throw new InvalidOperationException($"The parameter group {group.GetType().FullName} has no number '{name}'.");
            accessor.Write(group, value);
        }

        public override double Initial(optim.ILearningRateController group) => RecordedInitial(group, name, () => Get(group));

        public override void SetInitial(optim.ILearningRateController group, double value) => RecordInitial(group, name, value);

        private Accessor? Find(optim.ILearningRateController group) => accessors.GetOrAdd(group.GetType(), Resolve);

        private Accessor? Resolve(Type groupType)
        {
            // ParamGroup<TOptions> hides ParamGroup's Options with its own, typed one: the most derived declaration is taken.
            PropertyInfo? optionsProperty = null;
            for (var type = groupType; type is not null && optionsProperty is null; type = type.BaseType)
            {
                optionsProperty = type.GetProperty("Options", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            }

            if (optionsProperty is null)
            {
                return null;
            }

            const BindingFlags Members = BindingFlags.Public | BindingFlags.Instance;
            var optionsType = optionsProperty.PropertyType;
            foreach (var candidate in new[] { name, pascalName })
            {
                if (optionsType.GetField(candidate, Members) is { } field && IsNumber(field.FieldType))
                {
                    return new Accessor(optionsProperty, field.GetValue, field.SetValue, field.FieldType);
                }

                if (optionsType.GetProperty(candidate, Members) is { CanRead: true, CanWrite: true } property && IsNumber(property.PropertyType))
                {
                    return new Accessor(optionsProperty, property.GetValue, property.SetValue, property.PropertyType);
                }
            }

            return null;
        }

        private static bool IsNumber(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var plain && (plain == typeof(double) || plain == typeof(float));

        private static double? ToDouble(object? value) => value switch
        {
            double number => number,
            float number => number,
            _ => null,
        };

        private static object FromDouble(double value, Type type) => (Nullable.GetUnderlyingType(type) ?? type) == typeof(float) ? (float)value : value;

        private sealed record Accessor(PropertyInfo OptionsProperty, Func<object?, object?> GetValue, Action<object?, object?> SetValue, Type ValueType)
        {
            public double? Read(optim.ILearningRateController group) => ToDouble(GetValue(OptionsProperty.GetValue(group)));

            public void Write(optim.ILearningRateController group, double value) => SetValue(OptionsProperty.GetValue(group), FromDouble(value, ValueType));
        }
    }
}
