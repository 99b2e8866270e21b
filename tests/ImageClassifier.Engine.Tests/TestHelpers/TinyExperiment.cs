using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Configuration;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// A tiny end-to-end setup: 64 training and 32 test 16x16 toy images (MNIST layout, four
/// quadrant classes), a narrow two-stage ResNet and a config file naming them, in a temp folder.
/// </summary>
public sealed class TinyExperiment : IDisposable
{
    private static readonly Lazy<ComponentCatalog> SharedCatalog = new(BuiltInComponents.CreateCatalog);
    private readonly TempFolder folder = new();

    public TinyExperiment(string? extraJson = null)
    {
        DataRoot = folder.Combine("data");
        Fixtures.WriteMnist(DataRoot, train: 64, test: 32, side: 16);
        ConfigPath = folder.Combine("tiny.json");
        File.WriteAllText(ConfigPath, ConfigText(DataRoot, extraJson));
    }

    public static ComponentCatalog Catalog => SharedCatalog.Value;

    public string DataRoot { get; }

    public string ConfigPath { get; }

    public string Root => folder.Path;

    public string WorkDir(string name = "work") => folder.Combine(name);

    public RunDefinition Read(params string[] cfgOptions) =>
        RunDefinitionReader.Read(ConfigLoader.Load(ConfigPath, cfgOptions), Catalog);

    public RunnerOptions Options(string workDir, string? resume = null, CancellationToken cancellation = default, TextWriter? output = null) => new()
    {
        WorkDir = workDir,
        Resume = resume,
        Device = "cpu",
        Threads = 1,
        Cancellation = cancellation,
        Output = output ?? TextWriter.Null,
    };

    /// <summary>Trains with the given overrides and returns the result and a copy of the final weights.</summary>
    public (TrainingResult Result, Dictionary<string, Tensor> Weights) Train(string workDir, string? resume = null, CancellationToken cancellation = default, params string[] cfgOptions)
    {
        using var runner = new Runner(Read(cfgOptions), Options(workDir, resume, cancellation));
        var result = runner.Train();
        var weights = runner.Model!.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().clone());
        return (result, weights);
    }

    public void Dispose() => folder.Dispose();

    public static string ConfigText(string dataRoot, string? extraJson = null)
    {
        var root = dataRoot.Replace("\\", "\\\\", StringComparison.Ordinal);
        return $$$"""
        {
          "model": {
            "type": "ImageClassifier",
            "backbone": {
              "type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 4, "base_channels": 4,
              "num_stages": 2, "strides": [1, 2], "dilations": [1, 1], "out_indices": [1]
            },
            "neck": {"type": "GlobalAveragePooling"},
            "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 8, "loss": {"type": "CrossEntropyLoss"}, "topk": [1, 5]},
            "data_preprocessor": {"type": "ClsDataPreprocessor", "mean": [110.0], "std": [70.0]}
          },
          "train_dataloader": {
            "batch_size": 8,
            "num_workers": 2,
            "sampler": {"type": "DefaultSampler", "shuffle": true},
            "dataset": {
              "type": "MNIST", "data_root": "{{{root}}}", "split": "train",
              "pipeline": [{"type": "RandomFlip", "prob": 0.5, "direction": "vertical"}, {"type": "PackInputs"}]
            }
          },
          "val_dataloader": {
            "batch_size": 16,
            "sampler": {"type": "DefaultSampler", "shuffle": false},
            "dataset": {"type": "MNIST", "data_root": "{{{root}}}", "split": "test", "pipeline": [{"type": "PackInputs"}]}
          },
          "val_evaluator": {"type": "Accuracy", "topk": [1, 5]},
          "test_dataloader": {
            "batch_size": 16,
            "dataset": {"type": "MNIST", "data_root": "{{{root}}}", "split": "test", "pipeline": [{"type": "PackInputs"}]}
          },
          "test_evaluator": {"type": "Accuracy", "topk": [1, 5]},
          "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.0001}},
          "param_scheduler": [
            {"type": "LinearLR", "start_factor": 0.5, "by_epoch": false, "begin": 0, "end": 4},
            {"type": "MultiStepLR", "milestones": [1], "gamma": 0.5, "end": 3}
          ],
          "train_cfg": {"by_epoch": true, "max_epochs": 2, "val_interval": 1},
          "val_cfg": {},
          "test_cfg": {},
          "default_hooks": {
            "checkpoint": {"type": "CheckpointHook", "interval": 1, "max_keep_ckpts": 1, "save_best": "auto"},
            "logger": {"type": "LoggerHook", "interval": 2}
          },
          "randomness": {"seed": 3}{{{(extraJson is null ? string.Empty : ",\n  " + extraJson)}}}
        }
        """;
    }
}
