using System.Text.Json;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting;

namespace TrainingExtras.Tests;

/// <summary>The sample plugin that adds a hook and a transform, loaded from a plugins folder as a host loads it.</summary>
public sealed class TrainingExtrasPluginTests : IDisposable
{
    private static readonly Lazy<ImageClassifierHost> Shared = new(() => ImageClassifierHost.Create(new HostOptions
    {
        PluginDirectories = [Path.Combine(AppContext.BaseDirectory, "Plugins")],
        DefaultPluginDirectory = null,
        ReadEnvironmentVariable = null,
    }));

    private readonly string root = Path.Combine(Path.GetTempPath(), "icls-training-extras", Guid.NewGuid().ToString("N"));

    private static ImageClassifierHost Host => Shared.Value;

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_plugin_registers_a_hook_and_a_transform_beside_the_built_in_ones()
    {
        Assert.Empty(Host.Plugins.Failed);
        var hooks = Host.ListComponents(kind: "hook");
        Assert.Contains(hooks, hook => hook.Name == "ProgressFileHook" && hook.Source.Origin == "TrainingExtras");
        Assert.Contains(hooks, hook => hook.Name == "CheckpointHook" && hook.Source.Origin == "built-in");
        Assert.Contains(Host.ListComponents(kind: "transform"), transform => transform.Name == "RandomErasing" && transform.Source.Origin == "TrainingExtras");
        Assert.Contains(Host.Describe("ProgressFileHook").Parameters, parameter => parameter.JsonName == "interval");
    }

    [Fact]
    public void Random_erasing_fills_one_rectangle_of_the_asked_size_with_the_fill_colour()
    {
        var erasing = Build<Transform>("RandomErasing", """{"erase_prob": 1.0, "min_area_ratio": 0.1, "max_area_ratio": 0.2, "fill_color": [0]}""");
        var image = new ImageData(Enumerable.Repeat((byte)200, 32 * 32).ToArray(), 1, 32, 32);

        var erased = erasing.Apply(new DataSample(image, 3, "x"), new Random(5)).Image;

        var zeros = erased.Pixels.Count(value => value == 0);
        Assert.InRange(zeros, (int)(0.1 * 1024) - 40, (int)(0.2 * 1024) + 40);
        Assert.Equal(1024 - zeros, erased.Pixels.Count(value => value == 200));
        var rows = Enumerable.Range(0, 32).Where(y => Enumerable.Range(0, 32).Any(x => erased[0, y, x] == 0)).ToList();
        var columns = Enumerable.Range(0, 32).Where(x => Enumerable.Range(0, 32).Any(y => erased[0, y, x] == 0)).ToList();
        Assert.Equal(rows.Count * columns.Count, zeros);
        Assert.Equal(200, image.Pixels.Min());
    }

    [Fact]
    public void Random_erasing_with_probability_zero_leaves_the_image_alone()
    {
        var erasing = Build<Transform>("RandomErasing", """{"erase_prob": 0.0}""");
        var sample = new DataSample(new ImageData(Enumerable.Range(0, 64).Select(value => (byte)value).ToArray(), 1, 8, 8), 0, "x");

        Assert.Same(sample, erasing.Apply(sample, new Random(1)));
    }

    [Fact]
    public void A_run_calls_the_custom_hook_which_keeps_the_progress_file_and_trains_through_the_transform()
    {
        var data = Path.Combine(root, "data");
        Fixtures.WriteMnist(data, train: 32, test: 16, side: 16);
        var config = Path.Combine(root, "config.json");
        File.WriteAllText(config, Config(data));
        var workDir = Path.Combine(root, "work");

        var run = Host.LoadRun(config);
        var (training, _) = Host.Train(run, new RunnerOptions { WorkDir = workDir, Device = "cpu", Threads = 1, Output = TextWriter.Null }, test: false);

        Assert.True(training.Completed);
        using var progress = JsonDocument.Parse(File.ReadAllText(Path.Combine(workDir, "progress.json")));
        Assert.Equal("finished", progress.RootElement.GetProperty("state").GetString());
        Assert.Equal(training.Iteration, progress.RootElement.GetProperty("iter").GetInt32());
        Assert.Equal(2, progress.RootElement.GetProperty("epoch").GetInt32());
        Assert.True(progress.RootElement.GetProperty("metrics").TryGetProperty("accuracy/top1", out _));
        Assert.True(double.IsFinite(progress.RootElement.GetProperty("loss").GetDouble()));
        Assert.Empty(Directory.GetFiles(workDir, "*.tmp"));
    }

    [Fact]
    public void A_bad_hook_setting_is_a_config_error_at_its_place_in_custom_hooks()
    {
        var config = Path.Combine(root, "bad.json");
        Directory.CreateDirectory(root);
        File.WriteAllText(config, Config("/nowhere").Replace("\"ProgressFileHook\", \"interval\": 2", "\"ProgressFileHook\", \"interval\": 0", StringComparison.Ordinal));

        var error = Assert.Throws<ImageClassifier.Hosting.Configuration.ConfigException>(() => Host.LoadRun(config));

        Assert.Equal("$.custom_hooks[0].interval", error.JsonPath);
    }

    [Fact]
    public void A_hook_that_refuses_its_config_when_the_run_builds_it_is_reported_at_its_place_in_custom_hooks()
    {
        var data = Path.Combine(root, "data");
        Fixtures.WriteMnist(data, train: 16, test: 8, side: 16);
        var config = Path.Combine(root, "refused.json");
        File.WriteAllText(config, Config(data).Replace("\"ProgressFileHook\", \"interval\": 2", "\"ProgressFileHook\", \"file_name\": \"logs/progress.json\"", StringComparison.Ordinal));
        var run = Host.LoadRun(config);

        var error = Assert.Throws<ImageClassifier.Hosting.Configuration.ConfigException>(() =>
            Host.Train(run, new RunnerOptions { WorkDir = Path.Combine(root, "work"), Device = "cpu", Threads = 1, Output = TextWriter.Null }));
        var validated = Assert.Throws<ImageClassifier.Hosting.Configuration.ConfigException>(() => Host.Validate(run));

        Assert.StartsWith("$.custom_hooks[0]", error.JsonPath, StringComparison.Ordinal);
        Assert.Contains("a plain file name", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, validated.Message);
    }

    private static T Build<T>(string name, string json)
        where T : class
    {
        var config = (ImageClassifier.ComponentConfig)JsonSerializer.Deserialize(
            "{\"type\": \"" + name + "\", " + json.TrimStart('{'),
            Host.CreateConfig(name).GetType(),
            new ImageClassifier.Hosting.Configuration.Binding.ConfigBinder(Host.Catalog).SerializerOptions)!;
        return Assert.IsAssignableFrom<T>(Host.Build(config));
    }

    private static string Config(string dataRoot) => $$$"""
        {
          "model": {
            "type": "ImageClassifier",
            "backbone": {"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 4, "base_channels": 4, "num_stages": 2, "strides": [1, 2], "dilations": [1, 1], "out_indices": [1]},
            "neck": {"type": "GlobalAveragePooling"},
            "head": {"type": "LinearClsHead", "num_classes": 4, "in_channels": 8, "loss": {"type": "CrossEntropyLoss"}},
            "data_preprocessor": {"type": "ClsDataPreprocessor", "mean": [110.0], "std": [70.0]}
          },
          "train_dataloader": {
            "batch_size": 8,
            "dataset": {"type": "MNIST", "data_root": "{{{dataRoot}}}", "split": "train", "pipeline": [
              {"type": "RandomErasing", "erase_prob": 0.5, "fill_color": [0]},
              {"type": "PackInputs"}
            ]}
          },
          "val_dataloader": {"batch_size": 16, "dataset": {"type": "MNIST", "data_root": "{{{dataRoot}}}", "split": "test", "pipeline": [{"type": "PackInputs"}]}},
          "val_evaluator": {"type": "Accuracy", "topk": [1]},
          "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.05, "momentum": 0.9}},
          "train_cfg": {"by_epoch": true, "max_epochs": 2, "val_interval": 1},
          "default_hooks": {"checkpoint": null, "logger": {"type": "LoggerHook", "interval": 2}},
          "custom_hooks": [{"type": "ProgressFileHook", "interval": 2}],
          "randomness": {"seed": 0}
        }
        """;
}
