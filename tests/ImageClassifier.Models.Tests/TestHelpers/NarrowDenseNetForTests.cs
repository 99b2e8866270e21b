using ImageClassifier.Models.Backbones;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// mmpretrain's DenseNet with an arch of its own (mmpretrain takes one as a dict: growth_rate,
/// depths, init_channels), for fixtures and tests small enough to keep: every DenseNet argument
/// through <see cref="DenseNetConfig"/>, only the arch hook overridden.
/// </summary>
internal sealed class NarrowDenseNetForTests(DenseNetConfig config, int growthRate, int[] depths, int initChannels) : DenseNet(config)
{
    // Field initializers run before the base constructor, which reads the hook.
    private readonly (int, int[], int) settings = (growthRate, depths, initChannels);

    /// <summary>Growth rate 4, blocks of 2, 3, 4 and 3 layers, an 8-channel stem.</summary>
    public static NarrowDenseNetForTests Small(DenseNetConfig config) => new(config, 4, [2, 3, 4, 3], 8);

    protected override (int GrowthRate, int[] Depths, int InitChannels) ArchSettings(string arch) => settings;
}
