namespace ImageClassifier.Models.Initialization;

/// <summary>
/// A module with mmengine's <c>init_cfg</c>. <c>WeightInitialization</c> applies a module's own
/// initializers, then its children's, and checkpoints (Pretrained) last, as mmengine's
/// <c>init_weights</c> does.
/// </summary>
public interface IHasInitConfig
{
    /// <summary>The module's initializers, in config order; empty when it keeps TorchSharp's defaults.</summary>
    IReadOnlyList<Initializer> InitCfg { get; }

    /// <summary>
    /// Runs after this module's and its children's initializers, for rules an initializer cannot
    /// express (ResNet's zero_init_residual zeroes the last norm of each block here).
    /// </summary>
    void OnWeightsInitialized()
    {
    }
}
