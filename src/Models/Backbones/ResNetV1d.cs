namespace ImageClassifier.Models.Backbones;

/// <summary>
/// ResNetV1d ("Bag of Tricks for Image Classification", He et al. 2019): ResNet with the deep stem
/// (three 3x3 ConvModules) and average-pooled shortcuts (a 2x2 average pooling before a stride-1
/// 1x1 conv where a stage downsamples). deep_stem and avg_down are always on.
/// </summary>
[RegisterModel]
[ParameterDefault(nameof(ResNetConfig.DeepStem), true)]
[ParameterDefault(nameof(ResNetConfig.AvgDown), true)]
public partial class ResNetV1d : ResNet
{
    /// <summary>Creates the backbone from every ResNet argument; deep_stem and avg_down must stay true.</summary>
    /// <param name="config">The ResNet arguments.</param>
    public ResNetV1d(ResNetConfig config)
        : base(Checked(config))
    {
    }

    // Checked before the base constructor builds any layer. mmpretrain's ResNetV1d passes these
    // two itself, so a config that sets them is an error there too.
    private static ResNetConfig Checked(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.DeepStem)
        {
            throw new ConfigValueException("deep_stem", config.DeepStem, "true for ResNetV1d, whose stem is three 3x3 convs");
        }

        if (!config.AvgDown)
        {
            throw new ConfigValueException("avg_down", config.AvgDown, "true for ResNetV1d, whose shortcuts average-pool before their conv");
        }

        return config;
    }
}
