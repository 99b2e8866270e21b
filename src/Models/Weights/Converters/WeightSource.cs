namespace ImageClassifier.Models.Weights.Converters;

/// <summary>Where a checkpoint's weights come from, which decides how its keys are named.</summary>
public enum WeightSource
{
    /// <summary>mmpretrain (and this project): <c>backbone.*</c>, <c>head.*</c>; keys are kept.</summary>
    Mmpretrain,

    /// <summary>torchvision's model definitions (<c>conv1</c>, <c>layer1</c>, <c>fc</c>; <c>features</c>, <c>classifier</c>).</summary>
    Torchvision,

    /// <summary>timm's model definitions (<c>conv_stem</c>, <c>blocks</c>, <c>conv_head</c>; its ResNets as torchvision's).</summary>
    Timm,
}
