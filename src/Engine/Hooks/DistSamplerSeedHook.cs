namespace ImageClassifier.Engine.Hooks;

/// <summary>mmengine's DistSamplerSeedHook (<c>default_hooks.sampler_seed</c>): the data loader gives the sampler the epoch itself, so every epoch is shuffled anew and a resumed run sees the same order.</summary>
[RegisterModel]
public sealed partial class DistSamplerSeedHook : Hook
{
}
