namespace ImageClassifier.Engine.Hooks;

/// <summary>mmengine's ParamSchedulerHook (<c>default_hooks.param_scheduler</c>): the runner steps the <c>param_scheduler</c> entries itself, by epoch or by iteration as each says.</summary>
[RegisterModel]
public sealed partial class ParamSchedulerHook : Hook
{
}
