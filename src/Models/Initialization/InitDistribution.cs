namespace ImageClassifier.Models.Initialization;

/// <summary>The distribution Kaiming and Xavier initialisation draw from; "normal" or "uniform" in configs.</summary>
public enum InitDistribution
{
    /// <summary>A zero-mean normal distribution with the computed standard deviation.</summary>
    Normal,

    /// <summary>A symmetric uniform distribution with the same standard deviation.</summary>
    Uniform,
}
