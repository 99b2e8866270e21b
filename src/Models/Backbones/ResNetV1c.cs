namespace ImageClassifier.Models.Backbones;

/// <summary>
/// ResNetV1c ("Bag of Tricks for Image Classification", He et al. 2019): ResNet with the deep stem,
/// three 3x3 ConvModules instead of the 7x7 conv. deep_stem is always on, avg_down always off.
/// </summary>
[RegisterModel]
[ParameterDefault(nameof(ResNetConfig.DeepStem), true)]
public partial class ResNetV1c : ResNet
{
    /// <summary>Creates the backbone from every ResNet argument; deep_stem must stay true and avg_down false.</summary>
    /// <param name="config">The ResNet arguments.</param>
    public ResNetV1c(ResNetConfig config)
        : base(Checked(config))
    {
    }

    // Checked before the base constructor builds any layer. mmpretrain's ResNetV1c passes these
    // two itself, so a config that sets them is an error there too.
    private static ResNetConfig Checked(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.DeepStem)
        {
            throw new ConfigValueException("deep_stem", config.DeepStem, "true for ResNetV1c, whose stem is three 3x3 convs");
        }

        if (config.AvgDown)
        {
            throw new ConfigValueException("avg_down", config.AvgDown, "false for ResNetV1c (use ResNetV1d for average-pooled shortcuts)");
        }

        return config;
    }
}
