using ImageClassifier.Engine.Inference;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting;
using ImageClassifier.Models.Weights;
using TorchSharp;

namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>
/// A tiny real model: a two-stage, 4-channel ResNet on grayscale images whose test pipeline resizes
/// to 16x16, with seeded random weights and four named classes saved as an mmpretrain checkpoint.
/// Nothing is trained; what is checked is that the server answers what the inferencer answers.
/// </summary>
internal sealed class TinyModel : IDisposable
{
    public static readonly string[] ClassNames = ["T-shirt", "Trouser", "Pullover", "Dress"];

    private static readonly Lazy<ImageClassifierHost> SharedHost = new(() => ImageClassifierHost.Create(new HostOptions
    {
        DefaultPluginDirectory = null,
        WorkingDirectoryPluginDirectory = null,
        ReadEnvironmentVariable = null,
    }));

    private readonly TempFolder folder = new();

    public TinyModel()
    {
        ConfigPath = folder.Combine("tiny_served.json");
        File.WriteAllText(ConfigPath, ConfigText(folder.Path));
        CheckpointPath = folder.Combine("tiny.pth");
        var run = SharedHost.Value.LoadRun(ConfigPath);
        torch.manual_seed(5);
        using var model = run.BuildModel();

        // Random weights score every class near 1/4; a spread head bias gives answers that differ by class.
        using (torch.no_grad())
        {
            model.named_parameters().Single(parameter => parameter.name == "head.fc.bias").parameter.copy_(torch.tensor(new[] { 0.5f, 2.0f, 0.0f, 1.0f }));
        }

        ModelWeights.Save(model, CheckpointPath, new Dictionary<string, object?>
        {
            ["dataset_meta"] = new Dictionary<string, object?> { ["classes"] = ClassNames.Cast<object?>().ToList() },
        });
    }

    /// <summary>A host with the built-in components only: no plugin folder or ICLS_PLUGINS is read.</summary>
    public static ImageClassifierHost Host => SharedHost.Value;

    public string ConfigPath { get; }

    public string CheckpointPath { get; }

    public string Folder => folder.Path;

    public ServedModel Served() => ServedModel.FromConfig(SharedHost.Value, ConfigPath, CheckpointPath, "cpu");

    public ImageClassificationInferencer CreateInferencer() => SharedHost.Value.CreateInferencer(ConfigPath, CheckpointPath, "cpu");

    public void Dispose() => folder.Dispose();

    private static string ConfigText(string dataRoot) => $$$"""
        {
          "model": {
            "type": "ImageClassifier",
            "backbone": {
              "type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 4, "base_channels": 4,
              "num_stages": 2, "strides": [1, 2], "dilations": [1, 1], "out_indices": [1]
            },
            "neck": {"type": "GlobalAveragePooling"},
            "head": {"type": "LinearClsHead", "num_classes": 4, "in_channels": 8, "loss": {"type": "CrossEntropyLoss"}},
            "data_preprocessor": {"type": "ClsDataPreprocessor", "mean": [110.0], "std": [70.0]}
          },
          "test_dataloader": {
            "batch_size": 4,
            "dataset": {
              "type": "CustomDataset", "data_root": "{{{dataRoot.Replace("\\", "\\\\", StringComparison.Ordinal)}}}",
              "pipeline": [{"type": "Resize", "scale": [16, 16]}, {"type": "PackInputs"}]
            }
          }
        }
        """;
}
