using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// mmpretrain's VGG with other widths than its fixed 64 ... 512 and 4096, for fixtures and tests
/// small enough to keep: every VGG argument through <see cref="VGGConfig"/>, only the width hooks
/// overridden.
/// </summary>
internal sealed class NarrowVggForTests(VGGConfig config, int[] stageChannels, int classifierHidden) : VGG(config)
{
    // Field initializers run before the base constructor, which reads the hooks.
    private readonly int[] channels = stageChannels;
    private readonly int hidden = classifierHidden;

    /// <summary>The fixtures' plan: torchvision's widths divided by 16, a classifier 16 wide.</summary>
    public static NarrowVggForTests Sixteenth(VGGConfig config) => new(config, [4, 8, 16, 32, 32], 16);

    protected override int ClassifierHiddenChannels => hidden;

    protected override int StageChannels(int stage) => channels[stage];
}
