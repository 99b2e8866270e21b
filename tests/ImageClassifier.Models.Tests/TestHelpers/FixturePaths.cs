using System.Runtime.CompilerServices;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// Finds <c>tests/ImageClassifier.Models.Tests/Fixtures/&lt;name&gt;</c> in the source tree, so the
/// fixtures need no copy step: beside this source file first, else (a build with mapped source
/// paths) by walking up from the test binaries to the repository.
/// </summary>
internal static class FixturePaths
{
    private const string FixturesFromRepository = "tests/ImageClassifier.Models.Tests/Fixtures";

    /// <summary>The fixture folder <c>Fixtures/&lt;parts&gt;</c>, e.g. <c>Folder("Zoo")</c>.</summary>
    public static string Folder(params string[] parts) =>
        Locate(parts, Directory.Exists) ?? throw new DirectoryNotFoundException(NotFound(parts));

    /// <summary>The fixture file <c>Fixtures/&lt;parts&gt;</c>, e.g. <c>File("Losses", "losses.json")</c>.</summary>
    public static string File(params string[] parts) =>
        Locate(parts, System.IO.File.Exists) ?? throw new FileNotFoundException(NotFound(parts));

    private static string? Locate(string[] parts, Func<string, bool> exists)
    {
        // This file sits in tests/ImageClassifier.Models.Tests/TestHelpers/.
        var besideSource = Path.GetFullPath(Path.Combine([SourceFolder(), "..", "Fixtures", .. parts]));
        if (exists(besideSource))
        {
            return besideSource;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine([folder.FullName, FixturesFromRepository, .. parts]);
            if (exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string NotFound(string[] parts) =>
        $"Cannot find {FixturesFromRepository}/{string.Join('/', parts)} beside {SourceFolder()} or above {AppContext.BaseDirectory}.";

    private static string SourceFolder([CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile) ?? ".";
}
