using System.Runtime.CompilerServices;

namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>
/// Paths in this test project's source tree, found from this file's compile-time path: the seed
/// examples and snapshots are read (and snapshots rewritten) where they are committed.
/// </summary>
public static class TestPaths
{
    public static string ProjectDirectory { get; } = Path.GetDirectoryName(ThisDirectory())!;

    public static string SeedExamples => Path.Combine(ProjectDirectory, "SeedExamples");

    public static string Snapshots => Path.Combine(ProjectDirectory, "Snapshots");

    private static string ThisDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
