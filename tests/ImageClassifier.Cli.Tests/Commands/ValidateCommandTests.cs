using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.Configuration;
using ImageClassifier.Hosting.Tests.Plugins;
using ImageClassifier.Hosting.Tests.Validation;
using static ImageClassifier.Hosting.Tests.Validation.ValidationConfigs;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary>icls validate over the built-in components: the wiring check and every section a run uses.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private const string ResNet18 = """{"type": "ResNet", "depth": 18}""";
    private const string OneChannelResNet = """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""";

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_resnet18_feeding_a_head_of_256_input_features_is_a_config_error_naming_both_parts_and_the_key()
    {
        var text = Config(backbone: ResNet18, head: Head(256));
        var path = folder.Write("resnet18.json", text);
        var (line, column) = PositionOf(text, "256");

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(
            $"error: {path}:{line}:{column}: $.model.head.in_channels: LinearClsHead expects 256 input features, but ResNet (model.backbone) with GlobalAveragePooling (model.neck) gives 512; set in_channels to 512\n",
            run.Error.ReplaceLineEndings("\n"));
        AssertNoNativeTrace(run.Error);
    }

    [Fact]
    public void A_config_whose_parts_fit_is_ok_with_its_input_and_output()
    {
        var path = folder.Write("good.json", Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("test_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"test_evaluator\": {\"type\": \"Accuracy\"}")));

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.Equal(
            $"OK: {path}: model 'ImageClassifier' (a classifier) with 176,578 parameters; a (1, 1, 28, 28) input gives (1, 10); 2 other sections.\n",
            run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_training_transform_that_train_refuses_fails_validate_with_the_same_message()
    {
        var path = folder.Write("pipeline.json", Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", """{"type": "Resize", "scale": [32, 32, 3]}, {"type": "PackInputs"}""", folder.Root),
            "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}",
            "\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 1}")));

        var validate = Run("validate", path);
        var train = Run("train", path, "--work-dir", folder.PathOf("work"), "--device", "cpu");

        Assert.Equal(ExitCodes.BadInput, validate.ExitCode);
        Assert.Equal(ExitCodes.BadInput, train.ExitCode);
        Assert.Contains("$.train_dataloader.dataset.pipeline[0].scale: Resize (a transform) rejected its config", validate.Error, StringComparison.Ordinal);
        Assert.Equal(train.Error, validate.Error);
    }

    [Fact]
    public void A_data_root_that_does_not_exist_is_a_config_error_naming_the_key_the_file_and_the_path_looked_for()
    {
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("test_dataloader", "FashionMNIST", dataRoot: "no/such/folder"),
            "\"test_evaluator\": {\"type\": \"Accuracy\"}"));
        var path = folder.Write("data.json", text);
        var (line, column) = PositionOf(text, "\"no/such/folder\"");

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(
            $"error: {path}:{line}:{column}: $.test_dataloader.dataset.data_root: 'no/such/folder' does not exist: relative paths are read from the current directory, " +
            $"so '{Path.GetFullPath("no/such/folder")}' was looked for; FashionMNIST reads its files from there\n",
            run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Train_and_test_refuse_a_missing_data_root_as_validate_does_before_reading_anything()
    {
        var missing = folder.PathOf("absent");
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}",
            "\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 1}",
            Loader("test_dataloader", "FashionMNIST", dataRoot: missing),
            "\"test_evaluator\": {\"type\": \"Accuracy\"}"));
        var path = folder.Write("data.json", text);
        var (line, column) = PositionOf(text, $"\"{missing}\"");
        var expected = $"error: {path}:{line}:{column}: $.test_dataloader.dataset.data_root: '{missing}' does not exist; FashionMNIST reads its files from there\n";

        var validate = Run("validate", path);
        var train = Run("train", path, "--work-dir", folder.PathOf("work"), "--device", "cpu");
        var test = Run("test", path, folder.PathOf("absent.pth"), "--work-dir", folder.PathOf("work"), "--device", "cpu");

        Assert.Equal((ExitCodes.BadInput, expected), (validate.ExitCode, validate.Error.ReplaceLineEndings("\n")));
        Assert.Equal((ExitCodes.BadInput, expected), (train.ExitCode, train.Error.ReplaceLineEndings("\n")));
        Assert.Equal((ExitCodes.BadInput, expected), (test.ExitCode, test.Error.ReplaceLineEndings("\n")));
        Assert.False(Directory.Exists(folder.PathOf("work")), "Nothing should have been written before the paths were checked.");
    }

    [Fact]
    public void Train_with_no_test_does_not_need_the_test_data()
    {
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}",
            "\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 1}",
            Loader("test_dataloader", "FashionMNIST", dataRoot: folder.PathOf("absent")),
            "\"test_evaluator\": {\"type\": \"Accuracy\"}"));
        var path = folder.Write("data.json", text);

        var train = Run("train", path, "--no-test", "--work-dir", folder.PathOf("work"), "--device", "cpu");

        // Past the path check, the training data's own files are what is missing.
        Assert.Equal(ExitCodes.Failure, train.ExitCode);
        Assert.DoesNotContain("test_dataloader", train.Error, StringComparison.Ordinal);
        Assert.Contains("FashionMNIST needs 'train-images-idx3-ubyte'", train.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_that_failed_to_load_is_an_error_naming_its_missing_dependency_and_the_config_is_not_validated()
    {
        using var sandbox = new PluginSandbox();
        var plugins = sandbox.Folder("plugins");
        var pluginFolder = PluginSandbox.AddPlugin(plugins, PluginSandbox.Good);
        File.Delete(Path.Combine(pluginFolder, "GoodPlugin.Helpers.dll"));
        var path = folder.Write("good.json", Config(backbone: OneChannelResNet));

        var withBroken = Run("validate", path, "--plugins", plugins);
        var without = Run("validate", path);

        Assert.Equal(ExitCodes.BadInput, withBroken.ExitCode);
        Assert.Empty(withBroken.Output);
        var lines = withBroken.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(
            "error: plugin 'GoodPlugin' cannot be loaded because of its dependencies: it needs assembly 'GoodPlugin.Helpers' 1.0.0.0 " +
            $"(referenced by GoodPlugin 1.0.0.0), which is missing: '{Path.Combine(pluginFolder, "GoodPlugin.Helpers.dll")}' does not exist",
            lines[0],
            StringComparison.Ordinal);
        Assert.Equal($"error: {path} was not validated: a plugin failed to load (above). Fix or remove it, then validate again; 'icls plugins' has the full report.", lines[1]);
        Assert.Equal(ExitCodes.Ok, without.ExitCode);
    }

    [Fact]
    public void The_native_error_shows_only_with_verbose()
    {
        var path = folder.Write("resnet.json", Config(head: Head(256)));

        var run = Run("validate", path, "--verbose");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {path}:", run.Error, StringComparison.Ordinal);
        Assert.Contains("ExternalException", run.Error, StringComparison.Ordinal);
    }

    /// <summary>No libtorch C++ frames, no TorchSharp native entry points, no .NET stack frames.</summary>
    internal static void AssertNoNativeTrace(string error)
    {
        Assert.DoesNotContain("Exception raised from", error, StringComparison.Ordinal);
        Assert.DoesNotContain("frame #", error, StringComparison.Ordinal);
        Assert.DoesNotContain("THS", error, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private static CliRun Run(params string[] args) => CliRun.Invoke(() => ValidationConfigs.Catalog, args);
}
