namespace ImageClassifier.Engine.Hooks;

/// <summary>mmengine's IterTimerHook (<c>default_hooks.timer</c>): the runner times every iteration and its data wait itself and logs them as <c>time</c> and <c>data_time</c>.</summary>
[RegisterModel]
public sealed partial class IterTimerHook : Hook
{
}
