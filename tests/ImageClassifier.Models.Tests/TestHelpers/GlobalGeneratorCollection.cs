namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// Tests that seed torch's process-wide generator and compare what it draws: no test of another
/// class may draw from it meanwhile, so this collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch's global generator";
}
