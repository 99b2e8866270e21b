namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>
/// Compares generated files with the expected ones committed under <c>Snapshots/&lt;case&gt;/&lt;hint&gt;.txt</c>.
/// With the environment variable UPDATE_SNAPSHOTS=1 the expected files are rewritten instead.
/// </summary>
public static class Snapshot
{
    public static void Verify(string caseName, GeneratorRun run)
    {
        var directory = Path.Combine(TestPaths.Snapshots, caseName);
        var actual = run.Sources.ToDictionary(pair => pair.Key + ".txt", pair => Normalize(pair.Value), StringComparer.Ordinal);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
            foreach (var (name, text) in actual)
            {
                File.WriteAllText(Path.Combine(directory, name), text);
            }

            return;
        }

        Assert.True(Directory.Exists(directory), $"No snapshots for {caseName}; run the tests with UPDATE_SNAPSHOTS=1 to create them.");
        var expected = Directory.GetFiles(directory, "*.txt").ToDictionary(path => Path.GetFileName(path)!, path => Normalize(File.ReadAllText(path)), StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, text) in expected)
        {
            Assert.True(text == actual[name], $"{caseName}/{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it):\n{actual[name]}");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
