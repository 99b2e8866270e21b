using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// A weight initialisation, mmengine's <c>init_cfg</c> entries (<c>{"type": "Kaiming", "layer": ["Conv2d"]}</c>,
/// <c>{"type": "Pretrained", "checkpoint": "..."}</c>).
/// </summary>
[ComponentKind("init")]
public abstract class Initializer
{
    /// <summary>Initialises <paramref name="module"/> (and, as the initializer says, its submodules).</summary>
    public abstract void Apply(nn.Module module);
}
