namespace ImageClassifier.Models.Backbones;

/// <summary>
/// What one stage of a backbone produces, known without a forward pass (timm's
/// <c>feature_info</c> entry): its channel count, its total stride from the input, and the
/// attribute name of the module that produces it.
/// </summary>
/// <param name="Channels">Channels of the stage's feature map.</param>
/// <param name="Reduction">Input size divided by the map's size (4 for a map of 56 from 224), for inputs divisible by it.</param>
/// <param name="Module">The module that outputs it, as named in the state dict ("layer1", "conv2").</param>
public sealed record FeatureInfo(int Channels, int Reduction, string Module);
