using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// A weight initialisation, mmengine's <c>init_cfg</c> entries (<c>{"type": "Kaiming", "layer": ["Conv2d"]}</c>,
/// <c>{"type": "Pretrained", "checkpoint": "..."}</c>).
/// </summary>
/// <remarks>
/// The zoo registers mmengine's: Kaiming, Constant, Normal, TruncNormal, Xavier, Uniform (the
/// <see cref="LayerInitializer"/>s, which fill the layers their <c>layer</c> list names) and
/// Pretrained. <see cref="WeightInitialization.Initialize"/> applies a model's init_cfgs in
/// mmengine's order; <see cref="DefaultInitCfg"/> holds mmpretrain's defaults per component.
/// </remarks>
[ComponentKind("init")]
public abstract class Initializer
{
    /// <summary>Initialises <paramref name="module"/> (and, as the initializer says, its submodules).</summary>
    public abstract void Apply(nn.Module module);
}
