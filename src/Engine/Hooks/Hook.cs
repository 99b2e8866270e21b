namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmengine's Hook: code the runner calls at fixed points of a run. Configs name hooks in
/// <c>default_hooks</c> (by role) and <c>custom_hooks</c> (a list); a plugin adds a hook by
/// deriving from this class and marking it <c>[RegisterModel]</c>, as for any component.
/// </summary>
/// <remarks>
/// Hooks run in <see cref="Priority"/> order (lower first, mmengine's numbers), then in config
/// order. A hook runs on the training thread between iterations: anything slow here slows training.
/// </remarks>
[ComponentKind("hook")]
public abstract class Hook
{
    /// <summary>mmengine's NORMAL priority.</summary>
    public const int NormalPriority = 50;

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

    /// <summary>After each training iteration, with the step's losses (and loss scale).</summary>
    public virtual void AfterTrainIter(HookContext context, IReadOnlyDictionary<string, double> outputs)
    {
    }

    /// <summary>After each training epoch.</summary>
    public virtual void AfterTrainEpoch(HookContext context)
    {
    }

    /// <summary>After each validation, with its metrics.</summary>
    public virtual void AfterValEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <summary>After the last iteration, or after an interruption was saved.</summary>
    public virtual void AfterRun(HookContext context)
    {
    }
}
