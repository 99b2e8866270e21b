using System.Runtime.CompilerServices;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Finds <c>tests/ImageClassifier.Engine.Tests/Fixtures/&lt;name&gt;</c> in the source tree, so the
/// fixtures need no copy step: beside this source file first, else (a build with mapped source
/// paths) by walking up from the test binaries to the repository.
/// </summary>
internal static class FixturePaths
{
    private const string FixturesFromRepository = "tests/ImageClassifier.Engine.Tests/Fixtures";

    /// <summary>The fixture folder <c>Fixtures/&lt;parts&gt;</c>, e.g. <c>Folder("TensorBoard")</c>.</summary>
    public static string Folder(params string[] parts)
    {
        // This file sits in tests/ImageClassifier.Engine.Tests/TestHelpers/.
        var besideSource = Path.GetFullPath(Path.Combine([SourceFolder(), "..", "Fixtures", .. parts]));
        if (Directory.Exists(besideSource))
        {
            return besideSource;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine([folder.FullName, FixturesFromRepository, .. parts]);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Cannot find {FixturesFromRepository}/{string.Join('/', parts)} beside {SourceFolder()} or above {AppContext.BaseDirectory}.");
    }

    private static string SourceFolder([CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile) ?? ".";
}
