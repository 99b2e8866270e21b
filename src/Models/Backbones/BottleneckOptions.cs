namespace ImageClassifier.Models.Backbones;

/// <summary>
/// What ResNeXt and SE-ResNet change in ResNet's <see cref="Bottleneck"/>: a grouped 3x3 conv
/// whose width follows <c>groups</c> and <c>width_per_group</c>, and a squeeze-and-excitation layer
/// after the last norm.
/// </summary>
/// <param name="Groups">Groups of the 3x3 conv; 1 keeps ResNet's width (out / expansion) and ignores <paramref name="WidthPerGroup"/>.</param>
/// <param name="WidthPerGroup">Channels per group of the first stage (ResNeXt's "4d"); later stages double it.</param>
/// <param name="SeRatio">Squeeze ratio of the SE layer (<see cref="SEBottleneck"/>); null for none.</param>
public sealed record BottleneckOptions(int Groups = 1, int WidthPerGroup = 4, int? SeRatio = null);
