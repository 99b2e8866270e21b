using System.Runtime.CompilerServices;

namespace ImageClassifier.Hosting.Tests.Configuration;

/// <summary>Finds a folder of test files in this project's source tree.</summary>
internal static class TestCorpus
{
    /// <summary>
    /// The folder <paramref name="relativeFolder"/> (such as <c>Binding/Corpus</c>) of this test
    /// project: beside the sources, or, when the build maps source paths away (deterministic CI
    /// builds), found by walking up from the output folder.
    /// </summary>
    public static string Find(string relativeFolder, [CallerFilePath] string thisFile = "")
    {
        var projectDirectory = Path.GetDirectoryName(Path.GetDirectoryName(thisFile)) ?? ".";
        var besideSource = Path.Combine(projectDirectory, relativeFolder);
        if (Directory.Exists(besideSource))
        {
            return besideSource;
        }

        var relative = Path.Combine("tests", "ImageClassifier.Host.Tests", relativeFolder);
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{relativeFolder} not found in {projectDirectory} or above {AppContext.BaseDirectory}");
    }
}
