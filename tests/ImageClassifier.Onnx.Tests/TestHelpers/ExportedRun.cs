using System.Text.Json;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Models.Checkpoints;
using SeedExamples.Tests;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.TestHelpers;

/// <summary>
/// A run as a user has it: a JSON config (a narrow ResNet-18 on 3-channel images, ImageNet's
/// preprocessor, a test pipeline that resizes to 32x32) and a checkpoint of it with random norms
/// and named classes, in a temporary folder.
/// </summary>
internal sealed class ExportedRun : IDisposable
{
    public static readonly string[] ClassNames = ["cat", "dog", "fox", "owl", "yak"];

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("onnx-run-");

    public ExportedRun(string pipeline = """[{"type": "LoadImageFromFile"}, {"type": "Resize", "scale": [32, 32]}, {"type": "PackInputs"}]""")
    {
        ConfigPath = Combine("resnet18_w8.json");
        File.WriteAllText(ConfigPath, $$"""
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8},
                "neck": {"type": "GlobalAveragePooling"},
                "head": {"type": "LinearClsHead", "num_classes": 5, "in_channels": 64},
                "data_preprocessor": {"mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true}
              },
              "test_dataloader": {
                "batch_size": 4,
                "dataset": {"type": "CustomDataset", "data_root": {{JsonSerializer.Serialize(folder.FullName)}}, "pipeline": {{pipeline}}}
              }
            }
            """);
        Run = SamplePluginHost.Host.LoadRun(ConfigPath);
        CheckpointPath = Combine("model.pth");
        torch.manual_seed(31);
        using var model = Run.BuildModel();
        ExportCheck.RandomizeNorms(model);
        var stateDict = model.state_dict().ToDictionary(pair => pair.Key, pair => (object?)pair.Value, StringComparer.Ordinal);
        var meta = new Dictionary<string, object?> { ["dataset_meta"] = new Dictionary<string, object?> { ["classes"] = ClassNames.Cast<object?>().ToList() } };
        TorchCheckpointWriter.Write(CheckpointPath, new Dictionary<string, object?> { ["state_dict"] = stateDict, ["meta"] = meta });
    }

    public string ConfigPath { get; }

    public string CheckpointPath { get; }

    public RunDefinition Run { get; }

    public string Combine(string name) => Path.Combine(folder.FullName, name);

    public string[] Files() => [.. folder.GetFiles().Select(file => file.Name).Order(StringComparer.Ordinal)];

    public void Dispose() => folder.Delete(recursive: true);
}
