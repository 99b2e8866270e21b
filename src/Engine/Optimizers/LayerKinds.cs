using TorchSharp.Modules;
using static TorchSharp.torch;
using SafeBatchNorm2d = ImageClassifier.Models.Layers.BatchNorm2d;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>The layer kinds mmengine's optimizer rules single out, recognised by type as mmengine does with isinstance.</summary>
internal static class LayerKinds
{
    /// <summary>A batch, instance, group or layer norm (mmengine's <c>_BatchNorm</c>, <c>_InstanceNorm</c>, <c>GroupNorm</c>, <c>LayerNorm</c>).</summary>
    public static bool IsNorm(nn.Module module) => IsBatchNorm(module) || module is NormBase or GroupNorm or LayerNorm;

    /// <summary>A batch norm: the zoo's own (what <c>norm_cfg</c> BN and SyncBN build) or TorchSharp's.</summary>
    public static bool IsBatchNorm(nn.Module module) => module is SafeBatchNorm2d or BatchNorm;

    /// <summary>A depthwise 2-D convolution: as many groups as input channels.</summary>
    public static bool IsDepthwiseConv(nn.Module module) => module is Conv2d conv && conv.in_channels == conv.groups;
}
