using TorchSharp.Modules;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// What the optimizers written here (<see cref="Lamb"/>, <see cref="Lion"/>) share, the way
/// TorchSharp's own optimizers do it: parameter groups whose unset options come from the
/// optimizer's defaults, one state per parameter made when its group is added, and TorchSharp's
/// saved-state format (<see cref="OptimizerHelper.save_state_dict(System.IO.BinaryWriter)"/>), so
/// that checkpoints save and resume them like <see cref="SGD"/>.
/// </summary>
/// <typeparam name="TOptions">The options of a group: its hyperparameters and any per-group counter.</typeparam>
public abstract class GroupedOptimizer<TOptions> : OptimizerHelper
    where TOptions : OptimizerOptions, new()
{
    /// <summary>Takes <paramref name="defaults"/> and adds every group of <paramref name="groups"/>.</summary>
    protected GroupedOptimizer(TOptions defaults, IEnumerable<ParamGroup<TOptions>> groups)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(groups);
        defaults.InitialLearningRate = defaults.LearningRate!.Value;
        _defaults = defaults;
        _parameter_groups = [];
        foreach (var group in groups)
        {
            add_param_group(group);
        }
    }

    /// <summary>The options every group starts from.</summary>
    protected TOptions Defaults => (TOptions)_defaults;

    /// <summary>Adds a group: its unset options are taken from the defaults, and each parameter gets a fresh state.</summary>
    public override void add_param_group(ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        param_group.Options ??= new TOptions();
        var options = (TOptions)param_group.Options;
        options.LearningRate ??= Defaults.LearningRate;
        CompleteFromDefaults(options);
        options.InitialLearningRate = options.LearningRate!.Value;
        _parameter_groups.Add(param_group);
        foreach (var parameter in param_group.Parameters)
        {
            var state = CreateState(parameter);
            state.Initialize(options);
            _state[parameter.Handle] = state;
        }
    }

    /// <summary>Sets every option that <paramref name="options"/> leaves unset to the default's.</summary>
    protected abstract void CompleteFromDefaults(TOptions options);

    /// <summary>A new state for <paramref name="parameter"/>, initialized by the caller.</summary>
    protected abstract OptimizerState CreateState(Parameter parameter);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (var (_, state) in _state)
            {
                (state as IDisposable)?.Dispose();
            }

            _state.Clear();
        }
    }
}
