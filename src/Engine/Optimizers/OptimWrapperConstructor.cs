using ImageClassifier.Engine.Configuration;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// Splits a model's parameters into <see cref="ParameterGroup"/>s as <c>optim_wrapper.constructor</c>
/// and <c>paramwise_cfg</c> say (mmengine's optimizer wrapper constructors). Without paramwise
/// settings every parameter, trainable or not, joins one group with the optimizer's own learning
/// rate and weight decay, as mmengine passes <c>model.parameters()</c>. With them, the model is
/// walked as mmengine walks it (a module's own parameters, then its children in order), frozen
/// parameters (<c>requires_grad</c> false) are left out, each parameter gets its learning rate and
/// weight decay from the subclass's rules, and parameters that get the same pair share a group,
/// in the order of their first member.
/// </summary>
public abstract class OptimWrapperConstructor
{
    /// <summary>Keeps <paramref name="paramwise"/>; null for no parameter-wise settings.</summary>
    protected OptimWrapperConstructor(ParamwiseSettings? paramwise)
    {
        Paramwise = paramwise;
        foreach (var custom in paramwise?.CustomKeys ?? [])
        {
            CheckMultiplier(CustomKeyMember(custom.Key, "lr_mult"), custom.LrMult);
            CheckMultiplier(CustomKeyMember(custom.Key, "decay_mult"), custom.DecayMult);
        }

        CheckMultiplier("paramwise_cfg.bias_lr_mult", paramwise?.BiasLrMult);
        CheckMultiplier("paramwise_cfg.bias_decay_mult", paramwise?.BiasDecayMult);
        CheckMultiplier("paramwise_cfg.norm_decay_mult", paramwise?.NormDecayMult);
        CheckMultiplier("paramwise_cfg.dwconv_decay_mult", paramwise?.DwconvDecayMult);
        CheckMultiplier("paramwise_cfg.flat_decay_mult", paramwise?.FlatDecayMult);
    }

    /// <summary>The config names of the constructors, as <c>optim_wrapper.constructor</c> takes them.</summary>
    public static IReadOnlyList<string> TypeNames { get; } = [DefaultOptimWrapperConstructor.TypeName, LearningRateDecayOptimWrapperConstructor.TypeName];

    /// <summary>The parameter-wise settings, or null.</summary>
    public ParamwiseSettings? Paramwise { get; }

    /// <summary>The constructor <paramref name="typeName"/> names, over <paramref name="paramwise"/>.</summary>
    /// <exception cref="ConfigValueException">The name is unknown, or the settings do not suit that constructor; the member is relative to <c>optim_wrapper</c>.</exception>
    public static OptimWrapperConstructor Create(string typeName, ParamwiseSettings? paramwise) => typeName switch
    {
        DefaultOptimWrapperConstructor.TypeName => new DefaultOptimWrapperConstructor(paramwise),
        LearningRateDecayOptimWrapperConstructor.TypeName => new LearningRateDecayOptimWrapperConstructor(paramwise),
        _ => throw new ConfigValueException("constructor", typeName, $"one of {string.Join(", ", TypeNames.Select(name => $"\"{name}\""))}"),
    };

    /// <summary>The parameter groups of <paramref name="model"/>.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="baseLr">The optimizer's learning rate, which <c>lr_mult</c> multiplies.</param>
    /// <param name="baseWd">The optimizer's weight decay, which the <c>*decay_mult</c> settings multiply.</param>
    /// <exception cref="ConfigValueException">The model does not allow these settings (a shared parameter without bypass_duplicate, a backbone without layer depths); the member is relative to <c>optim_wrapper</c>.</exception>
    public IReadOnlyList<ParameterGroup> Group(nn.Module model, double baseLr, double baseWd)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Paramwise is null)
        {
            return [new ParameterGroup([.. model.named_parameters()], baseLr, baseWd)];
        }

        var assigned = new List<(string Name, Parameter Parameter, double LearningRate, double WeightDecay)>();
        var added = new HashSet<IntPtr>();
        Visit(model, model, string.Empty, baseLr, baseWd, assigned, added);
        var groups = new List<(double LearningRate, double WeightDecay, List<(string Name, Parameter Parameter)> Members)>();
        foreach (var (name, parameter, learningRate, weightDecay) in assigned)
        {
            var index = groups.FindIndex(group => group.LearningRate.Equals(learningRate) && group.WeightDecay.Equals(weightDecay));
            if (index < 0)
            {
                groups.Add((learningRate, weightDecay, []));
                index = groups.Count - 1;
            }

            groups[index].Members.Add((name, parameter));
        }

        return [.. groups.Select(group => new ParameterGroup(group.Members, group.LearningRate, group.WeightDecay))];
    }

    /// <summary>The learning rate and weight decay of one trainable parameter.</summary>
    /// <param name="site">The parameter and where it sits.</param>
    /// <param name="baseLr">The optimizer's learning rate.</param>
    /// <param name="baseWd">The optimizer's weight decay.</param>
    protected abstract (double LearningRate, double WeightDecay) Assign(ParameterSite site, double baseLr, double baseWd);

    /// <summary>The custom key whose settings apply to <paramref name="name"/>: the longest contained in it, the alphabetically first among equals (mmengine's order); null when none is.</summary>
    protected CustomKeySettings? CustomKeyFor(string name) =>
        Paramwise!.CustomKeys
            .OrderByDescending(custom => custom.Key.Length)
            .ThenBy(custom => custom.Key, StringComparer.Ordinal)
            .FirstOrDefault(custom => name.Contains(custom.Key, StringComparison.Ordinal));

    /// <summary>The member path of a custom key's setting, relative to <c>optim_wrapper</c>.</summary>
    protected static string CustomKeyMember(string key, string setting) => $"paramwise_cfg.custom_keys['{key}'].{setting}";

    private void Visit(
        nn.Module root,
        nn.Module module,
        string prefix,
        double baseLr,
        double baseWd,
        List<(string Name, Parameter Parameter, double LearningRate, double WeightDecay)> assigned,
        HashSet<IntPtr> added)
    {
        foreach (var (name, parameter) in module.named_parameters(recurse: false))
        {
            var site = new ParameterSite(root, module, prefix, name, parameter);
            if (!parameter.requires_grad)
            {
                continue;
            }

            if (!added.Add(parameter.Handle))
            {
                if (Paramwise!.BypassDuplicate)
                {
                    continue;
                }

                // torch refuses a parameter in two groups; mmengine's bypass_duplicate keeps the first.
                throw new ConfigValueException("paramwise_cfg.bypass_duplicate", false, $"true: the parameter {site.FullName} is shared with a module visited earlier, and a parameter can be in one group only");
            }

            var (learningRate, weightDecay) = Assign(site, baseLr, baseWd);
            assigned.Add((site.FullName, parameter, learningRate, weightDecay));
        }

        foreach (var (childName, child) in module.named_children())
        {
            Visit(root, child, prefix.Length == 0 ? childName : $"{prefix}.{childName}", baseLr, baseWd, assigned, added);
        }
    }

    private static void CheckMultiplier(string member, double? multiplier)
    {
        if (multiplier is { } value && !(value >= 0 && double.IsFinite(value)))
        {
            throw new ConfigValueException(member, value, "a finite number >= 0");
        }
    }

    /// <summary>A trainable parameter as the walk finds it.</summary>
    /// <param name="Model">The model being walked.</param>
    /// <param name="Module">The module that holds the parameter itself.</param>
    /// <param name="Prefix">The module's name in the model (<c>backbone.layer1.0.conv1</c>; empty for the model).</param>
    /// <param name="Name">The parameter's name in its module (<c>weight</c>).</param>
    /// <param name="Parameter">The parameter.</param>
    protected readonly record struct ParameterSite(nn.Module Model, nn.Module Module, string Prefix, string Name, Parameter Parameter)
    {
        /// <summary>The parameter's name in the model (<c>backbone.layer1.0.conv1.weight</c>).</summary>
        public string FullName => Prefix.Length == 0 ? Name : $"{Prefix}.{Name}";
    }
}
