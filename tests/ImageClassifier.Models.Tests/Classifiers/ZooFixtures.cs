using System.Runtime.CompilerServices;
using System.Text.Json;
using ImageClassifier.Models.Checkpoints;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Classifiers;

/// <summary>
/// The whole-model references of tools/fixtures/make_zoo_fixtures.py: per case an mmpretrain
/// config, a state dict (<c>&lt;case&gt;.pth</c>) and the input and outputs PyTorch computed
/// (<c>&lt;case&gt;.io.pth</c>). Read from the source tree.
/// </summary>
internal static class ZooFixtures
{
    private const string FolderFromRepository = "tests/ImageClassifier.Models.Tests/Fixtures/Zoo";

    public static string Folder { get; } = Locate();

    private static Lazy<JsonDocument> Cases { get; } = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json"))));

    public static TheoryData<string> CaseNames
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var entry in Cases.Value.RootElement.GetProperty("cases").EnumerateArray())
            {
                names.Add(entry.GetProperty("name").GetString()!);
            }

            return names;
        }
    }

    public static JsonElement Case(string name) =>
        Cases.Value.RootElement.GetProperty("cases").EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);

    public static string StateDictPath(string name) => Path.Combine(Folder, Case(name).GetProperty("files").GetProperty("state_dict").GetString()!);

    /// <summary>The input, logits, backbone features and neck outputs PyTorch computed, in the caller's dispose scope.</summary>
    public static (Tensor Input, Tensor Logits, IReadOnlyList<Tensor> Features, IReadOnlyList<Tensor> Neck) InputsAndOutputs(string name)
    {
        var path = Path.Combine(Folder, Case(name).GetProperty("files").GetProperty("io").GetString()!);
        var io = TorchCheckpointReader.ReadDictionary(path);
        return ((Tensor)io["input"]!, (Tensor)io["logits"]!, Tensors(io["features"]), Tensors(io["neck"]));
    }

    private static List<Tensor> Tensors(object? value) => value switch
    {
        Tensor tensor => [tensor],
        IEnumerable<object?> items => [.. items.Cast<Tensor>()],
        _ => throw new InvalidDataException($"Expected a tensor or a list of tensors, got {value?.GetType().Name ?? "null"}."),
    };

    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        // This file sits in tests/ImageClassifier.Models.Tests/Classifiers/.
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
