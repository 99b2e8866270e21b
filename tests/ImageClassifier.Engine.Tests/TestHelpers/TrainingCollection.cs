namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Tests that train or build models: libtorch's random generator and thread count are global, so
/// these run one at a time to stay reproducible.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Training";
}
