namespace ImageClassifier.Models.Backbones;

/// <summary>
/// SE-ResNeXt, as mmpretrain's <c>SEResNeXt</c>: SE-ResNet whose bottlenecks have ResNeXt's
/// grouped 3x3 conv (groups x width_per_group channels wide in the first stage, doubling with
/// each stage). Every SEResNet argument applies; "50 (32x4d)" is depth 50, groups 32,
/// width_per_group 4.
/// </summary>
[RegisterModel]
public partial class SEResNeXt : SEResNet
{
    /// <summary>Creates the backbone from every SEResNet argument and the grouping.</summary>
    /// <param name="config">The SEResNet arguments.</param>
    /// <param name="groups">Groups of each bottleneck's 3x3 conv.</param>
    /// <param name="widthPerGroup">Channels per group of the first stage's 3x3 convs; each later stage doubles it (the width is groups * width_per_group * (out / expansion) / base_channels).</param>
    public SEResNeXt(SEResNetConfig config, [ValueRange(Minimum = 1)] int groups = 32, [ValueRange(Minimum = 1)] int widthPerGroup = 4)
        : base(config, groups, widthPerGroup)
    {
        Groups = groups;
        WidthPerGroup = widthPerGroup;
    }

    /// <summary>Groups of each bottleneck's 3x3 conv.</summary>
    public int Groups { get; }

    /// <summary>Channels per group of the first stage's 3x3 convs; each later stage doubles it.</summary>
    public int WidthPerGroup { get; }
}
