namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmengine's Hook: code the runner calls at fixed points of a run. Configs name hooks in
/// <c>default_hooks</c> (by role) and <c>custom_hooks</c> (a list); a plugin adds a hook by
/// deriving from this class and marking it <c>[RegisterModel]</c>, as for any component.
/// </summary>
/// <remarks>
/// Hooks run in <see cref="Priority"/> order (lower first, mmengine's numbers), then in config
/// order. A hook runs on the training thread between iterations: anything slow here slows training.
/// The runner saves checkpoints, the best one included, after the hooks of their point, as
/// mmengine's CheckpointHook runs at its VERY_LOW priority.
/// </remarks>
[ComponentKind("hook")]
public abstract class Hook
{
    /// <summary>mmengine's NORMAL priority.</summary>
    public const int NormalPriority = 50;

    /// <summary>mmengine's priority names, the values a hook's <c>priority</c> key takes, by their numbers.</summary>
    public static IReadOnlyDictionary<string, int> PriorityNames { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["HIGHEST"] = 0,
        ["VERY_HIGH"] = 10,
        ["HIGH"] = 30,
        ["ABOVE_NORMAL"] = 40,
        ["NORMAL"] = NormalPriority,
        ["BELOW_NORMAL"] = 60,
        ["LOW"] = 70,
        ["VERY_LOW"] = 90,
        ["LOWEST"] = 100,
    };

    /// <summary>When the hook runs relative to others: lower runs first.</summary>
    public virtual int Priority => NormalPriority;

    /// <summary>Before the first training iteration (after a resume is restored).</summary>
    public virtual void BeforeRun(HookContext context)
    {
    }

    /// <summary>Before each training epoch.</summary>
    public virtual void BeforeTrainEpoch(HookContext context)
    {
    }

    /// <summary>
    /// After each training iteration, with the step's losses (and loss scale). The runner reuses
    /// <paramref name="outputs"/> for the next iteration: read it during the call, copy what is kept.
    /// </summary>
    public virtual void AfterTrainIter(HookContext context, IReadOnlyDictionary<string, double> outputs)
    {
    }

    /// <summary>After each training epoch.</summary>
    public virtual void AfterTrainEpoch(HookContext context)
    {
    }

    /// <summary>Before each validation, with the model in the state it was trained to.</summary>
    public virtual void BeforeValEpoch(HookContext context)
    {
    }

    /// <summary>After each validation, with its metrics; before the best checkpoint is saved.</summary>
    public virtual void AfterValEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <summary>Before the runner tests the model it trained (not when it tests a checkpoint, whose weights are final).</summary>
    public virtual void BeforeTestEpoch(HookContext context)
    {
    }

    /// <summary>After the runner tested the model it trained, with the test's metrics.</summary>
    public virtual void AfterTestEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <summary>
    /// Before a training checkpoint is written, with its entries (<c>meta</c>, <c>state_dict</c>,
    /// <c>optimizer</c>, ...): a hook may add entries or replace values. The tensors are the
    /// model's own; replace a value rather than change a tensor in place.
    /// </summary>
    public virtual void BeforeSaveCheckpoint(HookContext context, IDictionary<string, object?> checkpoint)
    {
    }

    /// <summary>
    /// After the checkpoint a run resumes from is read, before the model, optimizer and schedulers
    /// take their state from it: a hook may read its own entries or change the others. The tensors
    /// are disposed once the state is restored; copy what is kept.
    /// </summary>
    public virtual void AfterLoadCheckpoint(HookContext context, IDictionary<string, object?> checkpoint)
    {
    }

    /// <summary>After the last iteration, or after an interruption was saved.</summary>
    public virtual void AfterRun(HookContext context)
    {
    }

    /// <summary>
    /// A <c>priority</c> as mmengine reads it: one of its names (any case, as its <c>get_priority</c>
    /// upper-cases them) or an integer from 0 to 100; null when it is neither.
    /// </summary>
    public static int? ParsePriority(object? value) => value switch
    {
        string name when PriorityNames.TryGetValue(name.ToUpperInvariant(), out var named) => named,
        int number when number is >= 0 and <= 100 => number,
        long number when number is >= 0 and <= 100 => (int)number,
        _ => null,
    };

    /// <summary>The number of one of mmengine's priority names (<see cref="PriorityNames"/>), for a hook's <c>priority</c> key.</summary>
    /// <exception cref="ConfigValueException">The name is not one of them.</exception>
    protected static int PriorityOf(string name) =>
        PriorityNames.TryGetValue(name, out var priority)
            ? priority
            : throw new ConfigValueException("priority", name, $"one of mmengine's priority names ({string.Join(", ", PriorityNames.Keys)})");
}
