namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>Tests with a real TorchSharp model: libtorch's random seed is global, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealModelCollection
{
    public const string Name = "Real model";
}
