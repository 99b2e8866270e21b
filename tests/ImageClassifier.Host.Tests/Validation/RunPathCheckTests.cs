using ImageClassifier.Data.Datasets;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Tests.Configuration;
using ImageClassifier.Hosting.Tests.TestComponents;
using ImageClassifier.Hosting.Validation;
using static ImageClassifier.Hosting.Tests.Validation.ValidationConfigs;

namespace ImageClassifier.Hosting.Tests.Validation;

/// <summary>Paths a config names that do not exist are config errors at their key, naming the path looked for.</summary>
public sealed class RunPathCheckTests : IDisposable
{
    private static readonly RunStage[] AllStages = [RunStage.Train, RunStage.Val, RunStage.Test];

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_absolute_data_root_that_does_not_exist_is_an_error_without_the_current_directory()
    {
        var missing = folder.PathOf("absent");
        var text = Config(sections: Loader("val_dataloader", "CIFAR10", dataRoot: missing));

        var error = Check(text, AllStages);

        Assert.Equal("$.val_dataloader.dataset.data_root", error.JsonPath);
        Assert.Equal($"'{missing}' does not exist; CIFAR10 reads its files from there", error.Detail);
    }

    [Fact]
    public void A_data_root_set_in_a_base_file_is_placed_there()
    {
        var baseText = "{\n  \"test_dataloader\": {\"batch_size\": 2, \"dataset\": {\"type\": \"MNIST\", \"data_root\": \"gone\"}}\n}\n";
        var basePath = folder.Write("base.json", baseText);
        var path = folder.Write("child.json", "{\"_base_\": \"base.json\",\n" + Config().TrimStart('{'));
        var (line, column) = PositionOf(baseText, "\"gone\"");

        var error = Assert.Throws<ConfigException>(() => RunPathCheck.Check(ReadFile(path), AllStages, loadFrom: true));

        Assert.Equal((basePath, line, column), (error.Location.Path, error.Location.Line, error.Location.Column));
        Assert.Equal("$.test_dataloader.dataset.data_root", error.JsonPath);
        Assert.Contains($"so '{Path.GetFullPath("gone")}' was looked for", error.Detail, StringComparison.Ordinal);
        Assert.Contains("(inherited via ", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_prefix_is_looked_for_under_the_data_root()
    {
        var root = folder.PathOf("images");
        Directory.CreateDirectory(Path.Combine(root, "val"));
        var dataset = $$"""{"type": "CustomDataset", "data_root": "{{root}}", "data_prefix": "train", "pipeline": [{"type": "PackInputs"}]}""";
        var found = Config(sections: $$"""  "val_dataloader": {"batch_size": 2, "dataset": {{dataset.Replace("\"train\"", "\"val\"", StringComparison.Ordinal)}}}""");
        var missing = Config(sections: $$"""  "val_dataloader": {"batch_size": 2, "dataset": {{dataset}}}""");

        RunPathCheck.Check(Read(folder, found), AllStages, loadFrom: true);
        var error = Check(missing, AllStages);

        Assert.Equal("$.val_dataloader.dataset.data_prefix", error.JsonPath);
        Assert.Equal($"'train' under data_root '{root}' does not exist: '{Path.Combine(root, "train")}' was looked for; CustomDataset reads its files from there", error.Detail);
    }

    [Fact]
    public void Only_the_stages_asked_for_are_checked()
    {
        var text = Config(sections: string.Join(",\n  ",
            Loader("train_dataloader", "MNIST", dataRoot: folder.Root),
            Loader("test_dataloader", "MNIST", dataRoot: folder.PathOf("absent"))));
        var run = Read(folder, text);

        RunPathCheck.Check(run, [RunStage.Train, RunStage.Val], loadFrom: true);
        var error = Assert.Throws<ConfigException>(() => RunPathCheck.Check(run, [RunStage.Test], loadFrom: true));

        Assert.Equal("$.test_dataloader.dataset.data_root", error.JsonPath);
    }

    [Fact]
    public void Load_from_must_exist_when_it_is_used_and_a_url_is_not_a_path()
    {
        var missing = Read(folder, Config(sections: "\"load_from\": \"checkpoints/best.pth\""), "missing.json");
        var url = Read(folder, Config(sections: "\"load_from\": \"https://download.openmmlab.com/mmclassification/v0/resnet/resnet18_8xb32_in1k.pth\""), "url.json");

        var error = Assert.Throws<ConfigException>(() => RunPathCheck.Check(missing, AllStages, loadFrom: true));
        RunPathCheck.Check(missing, AllStages, loadFrom: false);
        RunPathCheck.Check(url, AllStages, loadFrom: true);

        Assert.Equal("$.load_from", error.JsonPath);
        Assert.StartsWith($"'checkpoints/best.pth' does not exist: relative paths are read from the current directory, so '{Path.GetFullPath("checkpoints/best.pth")}' was looked for", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pretrained_checkpoint_anywhere_in_the_model_must_exist()
    {
        var missing = folder.PathOf("backbone.pth");
        var backbone = $$"""{"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8, "init_cfg": [{"type": "Kaiming", "layer": ["Conv2d"]}, {"type": "Pretrained", "checkpoint": "{{missing}}", "prefix": "backbone."}]}""";

        var error = Check(Config(backbone: backbone), AllStages);

        Assert.Equal("$.model.backbone.init_cfg[1].checkpoint", error.JsonPath);
        Assert.Equal($"'{missing}' does not exist; building the model loads this checkpoint's weights", error.Detail);
    }

    [Fact]
    public void The_models_pretrained_checkpoint_must_exist_and_one_that_does_passes()
    {
        var present = folder.Write("weights.pth", "not read by the check");
        var withMissing = Config().Replace("\"type\": \"ImageClassifier\"", "\"type\": \"ImageClassifier\", \"pretrained\": \"weights/none.pth\"", StringComparison.Ordinal);
        var withPresent = Config().Replace("\"type\": \"ImageClassifier\"", $"\"type\": \"ImageClassifier\", \"pretrained\": \"{present}\"", StringComparison.Ordinal);

        var error = Check(withMissing, AllStages);
        RunPathCheck.Check(Read(folder, withPresent, "present.json"), AllStages, loadFrom: true);

        Assert.Equal("$.model.pretrained", error.JsonPath);
    }

    [Fact]
    public void A_run_written_in_csharp_is_checked_too_and_a_dataset_without_a_data_root_passes()
    {
        var model = Read(folder, Config()).Model;
        var rootless = new RunDefinition
        {
            Model = model,
            TestDataloader = new DataLoaderSettings { BatchSize = 1, Dataset = new RootlessDatasetConfig() },
        };
        var missing = new RunDefinition
        {
            Model = model,
            TestDataloader = new DataLoaderSettings { BatchSize = 1, Dataset = new FashionMnistConfig { DataRoot = folder.PathOf("absent") } },
        };

        RunPathCheck.Check(rootless, AllStages, loadFrom: true);
        var error = Assert.Throws<RunConfigException>(() => RunPathCheck.Check(missing, AllStages, loadFrom: true));

        Assert.Equal("$.test_dataloader.dataset.data_root", error.Path);
        Assert.StartsWith($"'{folder.PathOf("absent")}' does not exist", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_checks_the_paths_it_will_read_before_it_trains_or_tests()
    {
        var host = ImageClassifierHost.Create(new HostOptions
        {
            CatalogFactory = () => ValidationConfigs.Catalog,
            WorkingDirectoryPluginDirectory = null,
            DefaultPluginDirectory = null,
            ReadEnvironmentVariable = null,
        });
        var text = Config(backbone: """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""", sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}",
            "\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 1}",
            Loader("test_dataloader", "FashionMNIST", dataRoot: folder.PathOf("absent")),
            "\"test_evaluator\": {\"type\": \"Accuracy\"}"));
        var run = host.ReadRun(ConfigLoader.Load(folder.Write("config.json", text)));
        var options = new ImageClassifier.Engine.RunnerOptions { WorkDir = folder.PathOf("work"), Device = "cpu", Output = TextWriter.Null };

        var training = Assert.Throws<ConfigException>(() => host.Train(run, options));
        var testing = Assert.Throws<ConfigException>(() => host.Test(run, folder.PathOf("weights.pth"), options));
        Assert.False(Directory.Exists(options.WorkDir), "Nothing should be written before the paths are checked.");
        var untested = Record.Exception(() => host.Train(run, options, test: false));

        Assert.Equal("$.test_dataloader.dataset.data_root", training.JsonPath);
        Assert.Equal("$.test_dataloader.dataset.data_root", testing.JsonPath);

        // Without the test, the test data is not needed: training gets as far as the training files.
        Assert.NotNull(untested);
        Assert.IsNotType<ConfigException>(untested);
        Assert.Contains("train-images-idx3-ubyte", untested.Message, StringComparison.Ordinal);
    }

    private ConfigException Check(string text, IEnumerable<RunStage> stages) =>
        Assert.Throws<ConfigException>(() => RunPathCheck.Check(Read(folder, text), stages, loadFrom: true));

    private static RunDefinition ReadFile(string path) =>
        ImageClassifier.Hosting.Configuration.Binding.RunDefinitionReader.Read(ConfigLoader.Load(path), ValidationConfigs.Catalog);
}
