using ImageClassifier.Data.Datasets;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Tests.Configuration;
using ImageClassifier.Hosting.Validation;
using static ImageClassifier.Hosting.Tests.Validation.ValidationConfigs;

namespace ImageClassifier.Hosting.Tests.Validation;

/// <summary>Validation of every section a run uses.</summary>
public sealed class RunValidatorTests : IDisposable
{
    private const string OneChannelResNet = """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""";
    private const string Optimizer = "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}";
    private const string TrainLoop = "\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 1}";

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_training_transform_that_refuses_its_config_fails_with_the_message_training_gives()
    {
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", """{"type": "RandomFlip", "prob": 0.5}, {"type": "Resize", "interpolation": "bilinear"}, {"type": "PackInputs"}""", folder.Root),
            Optimizer,
            TrainLoop));
        var run = Read(folder, text);

        var validated = Assert.Throws<ConfigException>(() => RunValidator.Validate(run));
        var trained = Assert.Throws<ConfigException>(() => run.BuildDataLoader(RunStage.Train, seed: 0));

        Assert.Equal(trained.Message, validated.Message);
        Assert.Equal("$.train_dataloader.dataset.pipeline[1]", validated.JsonPath);
        Assert.StartsWith("Resize (a transform) rejected its config: scale must be given, or scale_factor given instead", validated.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_data_root_is_an_error_at_its_first_use_before_anything_is_built()
    {
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", """{"type": "Resize", "interpolation": "bilinear"}, {"type": "PackInputs"}""", dataRoot: "no/such/folder"),
            Loader("val_dataloader", "FashionMNIST", dataRoot: "no/such/folder"),
            "\"val_evaluator\": {\"type\": \"Accuracy\"}",
            Loader("test_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"test_evaluator\": {\"type\": \"Accuracy\"}",
            Optimizer,
            TrainLoop));
        var path = folder.Write("config.json", text);
        var (line, column) = PositionOf(text, "\"no/such/folder\"");

        var error = Assert.Throws<ConfigException>(() => RunValidator.Validate(Read(folder, text)));

        Assert.Equal(
            $"{path}:{line}:{column}: $.train_dataloader.dataset.data_root: 'no/such/folder' does not exist: relative paths are read from the current directory, " +
            $"so '{Path.GetFullPath("no/such/folder")}' was looked for; FashionMNIST reads its files from there",
            error.Message);
    }

    [Fact]
    public void A_run_that_fits_reports_its_model_and_wiring()
    {
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("test_dataloader", "FashionMNIST", """{"type": "CenterCrop", "crop_size": 24}, {"type": "PackInputs"}""", folder.Root),
            "\"test_evaluator\": {\"type\": \"Accuracy\", \"topk\": [1, 5]}"));

        var validation = RunValidator.Validate(Read(folder, text));

        Assert.Equal("ImageClassifier", validation.ModelType);
        using var model = Read(folder, text).BuildModel();
        Assert.Equal(model.parameters().Sum(parameter => parameter.numel()), validation.Parameters);
        Assert.Equal([1L, 1, 24, 24], validation.Wiring!.Input.Shape);
        Assert.Equal([1L, 10], validation.Wiring.OutputShape);
    }

    [Fact]
    public void Training_data_without_the_rest_of_training_is_refused()
    {
        var text = Config(backbone: OneChannelResNet, sections: Loader("train_dataloader", "FashionMNIST", dataRoot: folder.Root));

        var error = Assert.Throws<ConfigException>(() => RunValidator.Validate(Read(folder, text)));

        Assert.Equal("$.optim_wrapper", error.JsonPath);
        Assert.StartsWith("missing: expected the optimizer", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_top_k_above_the_class_count_is_refused_at_its_metric()
    {
        var text = Config(backbone: OneChannelResNet, head: Head(64, numClasses: 4), sections: string.Join(",\n  ",
            Loader("test_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"test_evaluator\": {\"type\": \"Accuracy\", \"topk\": [1, 5]}"));

        var error = Assert.Throws<ConfigException>(() => RunValidator.Validate(Read(folder, text)));

        Assert.Equal("$.test_evaluator.topk", error.JsonPath);
        Assert.Contains("top-5 needs at least 5 classes, but the model has 4", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, 1, null)]
    [InlineData(8, 2, "greater than begin (2): the run is not longer than begin")]
    [InlineData(12, 2, null)]
    public void A_scheduler_range_resolves_against_the_training_data_length_as_in_training(int trainImages, int begin, string? refusal)
    {
        // Four images a batch, one epoch: an iteration scheduler without an end ends after trainImages / 4 iterations.
        WriteFashionMnistTrainingSet(trainImages);
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", dataRoot: folder.Root),
            Optimizer,
            TrainLoop,
            $$"""
            "param_scheduler": {"type": "LinearLR", "by_epoch": false, "begin": {{begin}}}
            """));
        var run = Read(folder, text);

        if (refusal is null)
        {
            RunValidator.Validate(run);
            return;
        }

        var validated = Assert.Throws<ConfigException>(() => RunValidator.Validate(run));
        using var model = run.BuildModel();
        using var optimizer = run.BuildOptimizer(model);
        var trained = Assert.Throws<ConfigException>(() => run.AttachSchedulers(optimizer, run.EpochLengthOf(run.BuildDataLoader(RunStage.Train, seed: 0))));
        Assert.Equal(trained.Message, validated.Message);
        // A single scheduler written without a list is located where it is written.
        Assert.Equal("$.param_scheduler.end", validated.JsonPath);
        Assert.Contains(refusal, validated.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("accuracy/top5", null)]
    [InlineData("accuracy/top2", "the validation computes no 'accuracy/top2'; it computes 'accuracy/top1', 'accuracy/top5'")]
    public void Save_best_must_name_a_number_the_validation_computes(string saveBest, string? refusal)
    {
        WriteFashionMnistTrainingSet(8);
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            Loader("train_dataloader", "FashionMNIST", dataRoot: folder.Root),
            Loader("val_dataloader", "FashionMNIST", dataRoot: folder.Root),
            "\"val_evaluator\": {\"type\": \"Accuracy\", \"topk\": [1, 5]}",
            Optimizer,
            TrainLoop,
            $$$"""
            "default_hooks": {"checkpoint": {"type": "CheckpointHook", "save_best": "{{{saveBest}}}"}}
            """));

        if (refusal is null)
        {
            RunValidator.Validate(Read(folder, text));
            return;
        }

        var error = Assert.Throws<ConfigException>(() => RunValidator.Validate(Read(folder, text)));
        Assert.Equal("$.default_hooks.checkpoint.save_best", error.JsonPath);
        Assert.Equal(refusal, error.Detail);
    }

    [Fact]
    public void Training_data_smaller_than_one_kept_batch_is_refused_at_the_batch_size()
    {
        WriteFashionMnistTrainingSet(3);
        var text = Config(backbone: OneChannelResNet, sections: string.Join(",\n  ",
            """
            "train_dataloader": {"batch_size": 4, "drop_last": true, "dataset": {"type": "FashionMNIST", "data_root": "ROOT", "pipeline": [{"type": "PackInputs"}]}}
            """.Replace("ROOT", folder.Root, StringComparison.Ordinal),
            Optimizer,
            TrainLoop));

        var error = Assert.Throws<ConfigException>(() => RunValidator.Validate(Read(folder, text)));

        Assert.Equal("$.train_dataloader.batch_size", error.JsonPath);
        Assert.Equal("the training set has 3 samples, fewer than one batch of 4 with drop_last: no iteration would run", error.Detail);
    }

    [Fact]
    public void The_host_validates_a_run_bound_from_json_or_written_in_csharp()
    {
        var host = ImageClassifierHost.Create(new HostOptions { CatalogFactory = () => ValidationConfigs.Catalog, DefaultPluginDirectory = null });
        var fromJson = host.ReadRun(ConfigLoader.Load(folder.Write("config.json", Config(head: Head(32)))));
        var fromCode = new RunDefinition { Model = fromJson.Model };

        var jsonError = Assert.Throws<ConfigException>(() => host.Validate(fromJson));
        var codeError = Assert.Throws<RunConfigException>(() => host.Validate(fromCode));

        Assert.Equal("$.model.head.in_channels", jsonError.JsonPath);
        Assert.Equal("$.model.head.in_channels", codeError.Path);
        Assert.Equal(jsonError.Detail, codeError.Detail);
    }

    private void WriteFashionMnistTrainingSet(int count)
    {
        File.WriteAllBytes(Path.Combine(folder.Root, "train-images-idx3-ubyte"), IdxFile.Encode(new byte[count * 28 * 28], count, 28, 28));
        File.WriteAllBytes(Path.Combine(folder.Root, "train-labels-idx1-ubyte"), IdxFile.Encode(new byte[count], count));
    }
}
