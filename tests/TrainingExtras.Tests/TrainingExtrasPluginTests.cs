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
        Assert.Contains(Host.ListComponents(kind: "transform"), transform => transform.Name == "SaltAndPepperNoise" && transform.Source.Origin == "TrainingExtras");
        Assert.Contains(Host.ListComponents(kind: "transform"), transform => transform.Name == "RandomErasing" && transform.Source.Origin == "built-in");
        Assert.Contains(Host.Describe("ProgressFileHook").Parameters, parameter => parameter.JsonName == "interval");
    }

    [Fact]
    public void Salt_and_pepper_noise_turns_about_amount_of_the_pixels_black_or_white_in_every_channel_alike()
    {
        var noise = Build<Transform>("SaltAndPepperNoise", """{"prob": 1.0, "amount": 0.25}""");
        var image = new ImageData(Enumerable.Repeat((byte)128, 3 * 40 * 40).ToArray(), 3, 40, 40);

        var noisy = noise.Apply(new DataSample(image, 3, "x"), new Random(5)).Image;

        var changed = Enumerable.Range(0, 1600).Where(index => noisy.Pixels[index] != 128).ToList();
        Assert.All(changed, index => Assert.True(noisy.Pixels[index] is 0 or 255));
        Assert.All(changed, index => Assert.True(noisy.Pixels[index] == noisy.Pixels[1600 + index] && noisy.Pixels[index] == noisy.Pixels[3200 + index]));
        Assert.Equal(changed.Count * 3, noisy.Pixels.Count(value => value != 128));

        // 1600 pixels at 0.25: the count's standard deviation is about 17, and 5 of them is far out.
        Assert.InRange(changed.Count, 400 - 87, 400 + 87);
        Assert.InRange(changed.Count(index => noisy.Pixels[index] == 0), changed.Count / 2 - 50, changed.Count / 2 + 50);
        Assert.Equal(noisy.Pixels, noise.Apply(new DataSample(image, 3, "x"), new Random(5)).Image.Pixels);
        Assert.Equal(128, image.Pixels.Min());
    }

    [Fact]
    public void Salt_and_pepper_noise_with_probability_zero_leaves_the_image_alone()
    {
        var noise = Build<Transform>("SaltAndPepperNoise", """{"prob": 0.0, "amount": 1.0}""");
        var sample = new DataSample(new ImageData(Enumerable.Range(0, 64).Select(value => (byte)value).ToArray(), 1, 8, 8), 0, "x");

        Assert.Same(sample, noise.Apply(sample, new Random(1)));
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

    [Theory]
    [InlineData("\"VERY_HIGH\"", true)]
    [InlineData("\"very_low\"", false)]
    [InlineData("5", true)]
    public void Any_hook_entry_takes_mmengines_priority_which_orders_the_hooks(string priority, bool runsFirst)
    {
        // ProgressFileHook declares no priority; EarlyStoppingHook runs at LOWEST (100) unless told otherwise.
        var config = Path.Combine(root, "priority.json");
        Directory.CreateDirectory(root);
        File.WriteAllText(config, Config("/nowhere").Replace(
            "{\"type\": \"ProgressFileHook\", \"interval\": 2}",
            $"{{\"type\": \"EarlyStoppingHook\", \"monitor\": \"accuracy/top1\", \"priority\": \"NORMAL\"}}, {{\"type\": \"ProgressFileHook\", \"interval\": 2, \"priority\": {priority}}}",
            StringComparison.Ordinal));

        var hooks = Host.LoadRun(config).BuildHooks();

        Assert.Equal(runsFirst ? ["ProgressFileHook", "EarlyStoppingHook"] : ["EarlyStoppingHook", "ProgressFileHook"], hooks.Select(hook => hook.GetType().Name));
    }

    [Fact]
    public void A_priority_that_is_no_name_nor_0_to_100_is_a_config_error_at_its_key()
    {
        var config = Path.Combine(root, "bad-priority.json");
        Directory.CreateDirectory(root);
        File.WriteAllText(config, Config("/nowhere").Replace("\"ProgressFileHook\", \"interval\": 2", "\"ProgressFileHook\", \"interval\": 2, \"priority\": \"URGENT\"", StringComparison.Ordinal));

        var error = Assert.Throws<ImageClassifier.Hosting.Configuration.ConfigException>(() => Host.LoadRun(config));

        Assert.Equal("$.custom_hooks[0].priority", error.JsonPath);
        Assert.Contains("an integer from 0 to 100, but found the string \"URGENT\"", error.Message, StringComparison.Ordinal);
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
              {"type": "SaltAndPepperNoise", "prob": 0.5, "amount": 0.05},
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
