namespace ImageClassifier.Models.Backbones;

/// <summary>
/// One residual stage as <see cref="ResNet"/> builds it: how many blocks, their output channels,
/// and what their bottlenecks change (ResNeXt's groups, SE-ResNet's SE layer, RegNet's group width
/// per stage).
/// </summary>
/// <param name="Blocks">Blocks in the stage.</param>
/// <param name="OutChannels">Output channels of every block of the stage.</param>
/// <param name="Options">The bottlenecks' groups, width per group and SE layer.</param>
/// <param name="BaseChannels">The width that a grouped bottleneck's width per group is relative to: ResNeXt's base_channels, or, in RegNet, the stage's own width.</param>
public sealed record ResStage(int Blocks, int OutChannels, BottleneckOptions Options, int BaseChannels);
