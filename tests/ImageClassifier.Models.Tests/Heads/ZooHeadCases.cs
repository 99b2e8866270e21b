using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace ImageClassifier.Models.Tests.Heads;

/// <summary>
/// The head half of the zoo fixtures (Fixtures/Zoo): per case, the head config of cases.json, the
/// state dict in &lt;case&gt;.pth (head.fc.*) and the pooled features and logits in &lt;case&gt;.io.pth.
/// </summary>
internal static class ZooHeadCases
{
    private const string FolderFromRepository = "tests/ImageClassifier.Models.Tests/Fixtures/Zoo";

    private static readonly Lazy<string> FolderPath = new(() => Locate());

    private static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(FolderPath.Value, "cases.json")))!["cases"]!.AsArray()
            .Select(item => item!.AsObject())
            .ToDictionary(item => item["name"]!.GetValue<string>()));

    public static IEnumerable<string> Names => Cases.Value.Keys;

    /// <summary>The case's head config (<c>{"type": "LinearClsHead", "num_classes": ..., ...}</c>).</summary>
    public static JsonObject HeadConfig(string name) => Cases.Value[name]["config"]!["head"]!.AsObject();

    public static string PathOf(string name, string suffix) => Path.Combine(FolderPath.Value, name + suffix);

    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        // This file sits in tests/ImageClassifier.Models.Tests/Heads/.
        var besideSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", "..", "Fixtures", "Zoo"));
        if (Directory.Exists(besideSource))
        {
            return besideSource;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, FolderFromRepository);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Cannot find {FolderFromRepository} beside {sourceFile} or above {AppContext.BaseDirectory}.");
    }
}
