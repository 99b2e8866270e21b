using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Data.Samplers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Configuration;

public sealed class RunDefinitionTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private RunDefinition Read(string text)
    {
        var path = folder.Combine("config.json");
        File.WriteAllText(path, text);
        return RunDefinitionReader.Read(ConfigLoader.Load(path), TinyExperiment.Catalog);
    }

    private ConfigException ReadFails(string text)
    {
        var path = folder.Combine("config.json");
        File.WriteAllText(path, text);
        return Assert.Throws<ConfigException>(() => RunDefinitionReader.Read(ConfigLoader.Load(path), TinyExperiment.Catalog));
    }

    [Fact]
    public void Every_section_is_bound_to_typed_settings()
    {
        var config = Read(TinyExperiment.ConfigText("/nowhere"));

        Assert.Equal(8, config.TrainDataloader!.BatchSize);
        Assert.Equal(2, config.TrainDataloader.NumWorkers);
        Assert.Equal("MNIST", config.TrainDataloader.Dataset.TypeName);
        Assert.Equal("DefaultSampler", config.TrainDataloader.Sampler!.TypeName);
        Assert.Equal("SGD", config.OptimWrapper!.Optimizer.TypeName);
        Assert.Equal(["LinearLR", "MultiStepLR"], config.ParamSchedulers.Select(entry => entry.TypeName));
        Assert.Equal(new TrainLoopSettings(true, 2, 0, 1, 1), config.TrainLoop);
        Assert.Equal("Accuracy", config.ValEvaluator.Single().TypeName);
        Assert.Equal(new CheckpointSettings(1, 1, "auto", null, true), config.Checkpoint);
        Assert.Equal(2, config.LoggerInterval);
        Assert.Equal(3, config.Seed);
        var optimizer = Assert.IsType<SgdOptimizer>(config.BuildOptimizer());
        Assert.Equal(0.05, optimizer.LearningRate);
        config.RequireTraining();
        config.RequireTesting();
    }

    [Fact]
    public void An_unknown_key_is_reported_at_its_line_with_a_suggestion()
    {
        var error = ReadFails(TinyExperiment.ConfigText("/nowhere").Replace("\"max_epochs\": 2", "\"max_epoch\": 2", StringComparison.Ordinal));

        Assert.Equal("$.train_cfg.max_epoch", error.JsonPath);
        Assert.True(error.Location.Line > 1);
        Assert.Contains("unknown key 'max_epoch'", error.Message);
        Assert.Contains("max_epochs", error.Message);
    }

    [Fact]
    public void A_wrongly_typed_value_is_reported_at_the_value()
    {
        var error = ReadFails(TinyExperiment.ConfigText("/nowhere").Replace("\"batch_size\": 8", "\"batch_size\": \"eight\"", StringComparison.Ordinal));

        Assert.Equal("$.train_dataloader.batch_size", error.JsonPath);
        Assert.Contains("expected an integer", error.Message);
    }

    [Fact]
    public void Transforms_bind_through_the_catalog_with_its_errors()
    {
        var error = ReadFails(TinyExperiment.ConfigText("/nowhere").Replace("\"type\": \"RandomFlip\"", "\"type\": \"RandomFlop\"", StringComparison.Ordinal));

        Assert.StartsWith("$.train_dataloader.dataset.pipeline[0]", error.JsonPath);
        Assert.Contains("RandomFlip", error.Message);
    }

    [Fact]
    public void A_transform_argument_out_of_range_is_located()
    {
        var error = ReadFails(TinyExperiment.ConfigText("/nowhere").Replace("\"prob\": 0.5", "\"prob\": 2", StringComparison.Ordinal));

        Assert.Equal("$.train_dataloader.dataset.pipeline[0].prob", error.JsonPath);
    }

    [Fact]
    public void Training_needs_its_sections()
    {
        var config = Read("""{"model": {"type": "ImageClassifier", "backbone": {"type": "ResNet", "depth": 18}}}""");

        var error = Assert.Throws<ConfigException>(config.RequireTraining);

        Assert.Equal("$.train_dataloader", error.JsonPath);
        Assert.Contains("missing", error.Message);
    }

    private const string EpochLoop = "\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 2, \"val_interval\": 1}";
    private const string EpochCheckpoints = "\"checkpoint\": {\"type\": \"CheckpointHook\", \"interval\": 1,";
    private const string EpochMultiStep = "{\"type\": \"MultiStepLR\", \"milestones\": [1], \"gamma\": 0.5, \"end\": 3}";

    // The tiny experiment's config with an iteration-based loop and the replacements given.
    private static string IterationConfig(params (string Old, string New)[] replacements) =>
        replacements.Aggregate(
            TinyExperiment.ConfigText("/nowhere").Replace(EpochLoop, "\"train_cfg\": {\"type\": \"IterBasedTrainLoop\", \"max_iters\": 20, \"val_interval\": 5}", StringComparison.Ordinal),
            (text, replacement) => text.Replace(replacement.Old, replacement.New, StringComparison.Ordinal));

    public static TheoryData<string, string, string> IterationRunRefusals => new()
    {
        // CheckpointHook's by_epoch defaults to true, which mmengine runs as a single epoch_1.pth at the end.
        { IterationConfig(), "$.default_hooks.checkpoint.by_epoch", "must be false in an iteration-based run" },
        { IterationConfig((EpochCheckpoints, EpochCheckpoints + " \"by_epoch\": false,")), "$.param_scheduler[1].by_epoch", "no epochs to step on" },
        {
            IterationConfig((EpochCheckpoints, EpochCheckpoints + " \"by_epoch\": false,"), (EpochMultiStep, "{\"type\": \"MultiStepLR\", \"milestones\": [1], \"convert_to_iter_based\": true}")),
            "$.param_scheduler[1].end",
            "in epochs of the training data"
        },
    };

    [Theory]
    [MemberData(nameof(IterationRunRefusals))]
    public void An_iteration_based_run_refuses_what_counts_epochs_at_its_key(string text, string path, string detail)
    {
        var config = Read(text);

        var error = Assert.Throws<ConfigException>(config.RequireTraining);

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(detail, error.Message);
        Assert.True(error.Location.Line > 1);
    }

    [Fact]
    public void An_iteration_based_run_reads_its_loop_checkpoints_and_log_processor()
    {
        var config = Read(IterationConfig(
            (EpochCheckpoints, EpochCheckpoints + " \"by_epoch\": false,"),
            (EpochMultiStep, "{\"type\": \"MultiStepLR\", \"milestones\": [1], \"convert_to_iter_based\": true, \"end\": 2}"),
            ("\"val_interval\": 5}", "\"val_interval\": 3, \"dynamic_intervals\": [[4, 2], [10, 5]]}"),
            ("\"randomness\"", "\"log_processor\": {\"type\": \"LogProcessor\", \"window_size\": 10, \"by_epoch\": false}, \"randomness\"")));

        config.RequireTraining();
        var loop = config.TrainLoop!;
        Assert.Equal((false, 20, 3), (loop.ByEpoch, loop.MaxIterations, loop.ValInterval));
        Assert.False(config.Checkpoint!.ByEpoch);
        Assert.False(config.LogByEpoch);

        // mmengine picks the interval of the last milestone at most the count completed + 1.
        Assert.Equal([3, 2, 2, 2, 2, 2, 2, 5], Enumerable.Range(2, 8).Select(loop.ValIntervalAfter));
        Assert.Null(Read(TinyExperiment.ConfigText("/nowhere")).LogByEpoch);
    }

    [Theory]
    [InlineData("\"train_cfg\": {\"type\": \"IterBasedTrainLoop\", \"by_epoch\": true, \"max_epochs\": 2}", "$.train_cfg.by_epoch", "contradicts type 'IterBasedTrainLoop'")]
    [InlineData("\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 2, \"dynamic_intervals\": [[4, 2], [3, 1]]}", "$.train_cfg.dynamic_intervals[1]", "increasing milestones")]
    [InlineData("\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 2, \"dynamic_intervals\": [[4, 0]]}", "$.train_cfg.dynamic_intervals[0]", "intervals at least 1")]
    [InlineData("\"train_cfg\": {\"by_epoch\": true, \"max_epochs\": 2, \"dynamic_intervals\": 4}", "$.train_cfg.dynamic_intervals", "but found")]
    [InlineData(EpochLoop + ", \"log_processor\": {\"by_epochs\": false}", "$.log_processor.by_epochs", "did you mean 'by_epoch'")]
    public void Bad_loop_and_log_settings_are_reported_at_their_json_path(string replacement, string path, string detail)
    {
        var error = ReadFails(TinyExperiment.ConfigText("/nowhere").Replace(EpochLoop, replacement, StringComparison.Ordinal));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void A_top_level_data_preprocessor_joins_the_model()
    {
        var text = TinyExperiment.ConfigText("/nowhere").Replace("\"data_preprocessor\": {\"type\": \"ClsDataPreprocessor\", \"mean\": [110.0], \"std\": [70.0]}", "\"init_cfg\": null", StringComparison.Ordinal);
        var config = Read(text.TrimEnd().TrimEnd('}') + ", \"data_preprocessor\": {\"type\": \"ClsDataPreprocessor\", \"mean\": [1.0], \"std\": [2.0]}}");

        using var model = Assert.IsType<ImageClassifier.Models.Classifiers.ImageClassifierModel>(config.BuildModel());

        var preprocessor = Assert.IsType<ImageClassifier.Models.Preprocessors.ClsDataPreprocessor>(model.DataPreprocessor);
        Assert.Equal([1.0], preprocessor.Mean);
    }

    [Fact]
    public void Hooks_can_be_switched_off_and_unknown_hooks_are_refused()
    {
        var off = Read(TinyExperiment.ConfigText("/nowhere").Replace(
            "\"checkpoint\": {\"type\": \"CheckpointHook\", \"interval\": 1, \"max_keep_ckpts\": 1, \"save_best\": \"auto\"}",
            "\"checkpoint\": null",
            StringComparison.Ordinal));
        Assert.Null(off.Checkpoint);

        var error = ReadFails(TinyExperiment.ConfigText("/nowhere").Replace("\"logger\":", "\"loger\":", StringComparison.Ordinal));
        Assert.Equal("$.default_hooks.loger", error.JsonPath);
    }

    [Fact]
    public void The_sampler_defaults_to_shuffling_for_training_only()
    {
        var config = Read(TinyExperiment.ConfigText("/nowhere"));

        Assert.Null(config.TestDataloader!.Sampler);
        Assert.True(new DefaultSampler().Shuffle);
    }

    private const string PlainWrapper = "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.05, \"momentum\": 0.9, \"weight_decay\": 0.0001}}";

    private static string WithWrapper(string wrapper) =>
        TinyExperiment.ConfigText("/nowhere").Replace(PlainWrapper, "\"optim_wrapper\": " + wrapper, StringComparison.Ordinal);

    [Fact]
    public void An_amp_optim_wrapper_reads_its_dtype_and_loss_scale()
    {
        Assert.Contains(PlainWrapper, TinyExperiment.ConfigText("/nowhere"), StringComparison.Ordinal);
        const string Sgd = "\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}";

        Assert.Null(Read(TinyExperiment.ConfigText("/nowhere")).OptimWrapper!.Amp);

        var defaults = Read(WithWrapper($"{{\"type\": \"AmpOptimWrapper\", {Sgd}}}")).OptimWrapper!.Amp!;
        Assert.Null(defaults.Dtype);
        Assert.Equal(LossScaleSettings.DynamicDefault, defaults.LossScale);
        Assert.Equal(ScalarType.BFloat16, defaults.DtypeOn(DeviceType.CPU));
        Assert.Equal(ScalarType.Float16, defaults.DtypeOn(DeviceType.CUDA));

        var fixedScale = Read(WithWrapper($"{{\"type\": \"AmpOptimWrapper\", {Sgd}, \"dtype\": \"float16\", \"loss_scale\": 512.0, \"clip_grad\": {{\"max_norm\": 5}}}}")).OptimWrapper!;
        Assert.Equal(ScalarType.Float16, fixedScale.Amp!.Dtype);
        Assert.Equal(LossScaleSettings.Static(512), fixedScale.Amp.LossScale);
        Assert.Equal(5, fixedScale.ClipGrad!.MaxNorm);

        var custom = Read(WithWrapper($"{{\"type\": \"AmpOptimWrapper\", {Sgd}, \"dtype\": \"bfloat16\", \"loss_scale\": {{\"init_scale\": 1024, \"growth_factor\": 4, \"backoff_factor\": 0.25, \"growth_interval\": 10}}}}")).OptimWrapper!.Amp!;
        Assert.Equal(ScalarType.BFloat16, custom.Dtype);
        Assert.Equal(new LossScaleSettings(true, 1024, 4, 0.25, 10), custom.LossScale);

        var off = Read(WithWrapper($"{{\"type\": \"AmpOptimWrapper\", {Sgd}, \"loss_scale\": {{\"enabled\": false}}}}")).OptimWrapper!.Amp!;
        Assert.Null(off.LossScale);
    }

    [Theory]
    [InlineData("\"dtype\": \"float32\"", "$.optim_wrapper.dtype", "would leave nothing to mixed precision")]
    [InlineData("\"dtype\": \"half\"", "$.optim_wrapper.dtype", "must be \"float16\" or \"bfloat16\"")]
    [InlineData("\"dtype\": 16", "$.optim_wrapper.dtype", "expected a string")]
    [InlineData("\"loss_scale\": \"dynamc\"", "$.optim_wrapper.loss_scale", "expected \"dynamic\", a number")]
    [InlineData("\"loss_scale\": -4", "$.optim_wrapper.loss_scale", "positive number")]
    [InlineData("\"loss_scale\": true", "$.optim_wrapper.loss_scale", "but found true")]
    [InlineData("\"loss_scale\": {\"growth_factor\": 0.5}", "$.optim_wrapper.loss_scale.growth_factor", "greater than 1")]
    [InlineData("\"loss_scale\": {\"backoff_factor\": 1}", "$.optim_wrapper.loss_scale.backoff_factor", "between 0 and 1")]
    [InlineData("\"loss_scale\": {\"growth_interval\": 0}", "$.optim_wrapper.loss_scale.growth_interval", "at least 1")]
    [InlineData("\"loss_scale\": {\"init_scale\": 0}", "$.optim_wrapper.loss_scale.init_scale", "positive number")]
    [InlineData("\"loss_scale\": {\"init_scal\": 8}", "$.optim_wrapper.loss_scale.init_scal", "did you mean 'init_scale'")]
    public void Bad_amp_settings_are_reported_at_their_json_path(string setting, string path, string detail)
    {
        var error = ReadFails(WithWrapper($"{{\"type\": \"AmpOptimWrapper\", \"optimizer\": {{\"type\": \"SGD\", \"lr\": 0.1}}, {setting}}}"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(detail, error.Message);
        Assert.True(error.Location.Line > 1);
    }

    [Fact]
    public void Amp_settings_on_a_plain_optim_wrapper_point_to_amp_optim_wrapper()
    {
        var error = ReadFails(WithWrapper("{\"type\": \"OptimWrapper\", \"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}, \"loss_scale\": \"dynamic\"}"));
        Assert.Equal("$.optim_wrapper.loss_scale", error.JsonPath);
        Assert.Contains("AmpOptimWrapper", error.Message);

        var unknownType = ReadFails(WithWrapper("{\"type\": \"ApexOptimWrapper\", \"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}"));
        Assert.Equal("$.optim_wrapper.type", unknownType.JsonPath);
        Assert.Contains("'AmpOptimWrapper'", unknownType.Message);
    }

    [Fact]
    public void A_tta_pipeline_gives_every_choice_of_its_alternatives_first_stage_slowest()
    {
        var config = Read(WithTta("""
            "tta_model": {"type": "AverageClsScoreTTA"},
            "tta_pipeline": [
              {"type": "LoadImageFromFile"},
              {"type": "TestTimeAug", "transforms": [
                [{"type": "RandomFlip", "prob": 1.0}, {"type": "RandomFlip", "prob": 0.0}],
                [{"type": "Resize", "scale": [16, 16]}, {"type": "Resize", "scale": [12, 12]}, {"type": "CenterCrop", "crop_size": 8}],
                [{"type": "PackInputs"}]]}]
            """));

        var views = config.BuildTestTimeViews();

        Assert.IsType<ImageClassifier.Models.Tta.AverageClsScoreTta>(config.BuildTtaModel());
        Assert.Equal(6, views.Count);
        Assert.All(views, view => Assert.Equal(["LoadImageFromFile", "RandomFlip", view[2].GetType().Name, "PackInputs"], view.Select(step => step.GetType().Name)));

        // Each configured alternative is built once: the flip changes every third view, the size every view.
        Assert.Equal([0, 0, 0, 1, 1, 1], views.Select(view => views.Select(other => other[1]).Distinct().ToList().IndexOf(view[1])));
        Assert.Equal([0, 1, 2, 0, 1, 2], views.Select(view => views.Take(3).Select(other => other[2]).ToList().IndexOf(view[2])));
    }

    [Fact]
    public void Without_a_tta_pipeline_the_test_pipeline_is_flipped_and_not_before_its_last_step()
    {
        var config = Read(TinyExperiment.ConfigText("/nowhere"));

        var views = config.BuildTestTimeViews();

        Assert.Null(config.TtaModel);
        Assert.IsType<ImageClassifier.Models.Tta.AverageClsScoreTta>(config.BuildTtaModel());
        Assert.Equal(2, views.Count);
        Assert.All(views, view => Assert.Equal(["RandomFlip", "PackInputs"], view.Select(step => step.GetType().Name)));
        Assert.NotSame(views[0][0], views[1][0]);
    }

    [Theory]
    [InlineData("[{\"type\": \"TestTimeAug\", \"transforms\": {\"type\": \"PackInputs\"}}]", "$.tta_pipeline[0].transforms", "list of lists")]
    [InlineData("[{\"type\": \"TestTimeAug\", \"transforms\": [[{\"type\": \"PackInputs\"}], []]}]", "$.tta_pipeline[0].transforms[1]", "non-empty list of transforms")]
    [InlineData("[{\"type\": \"TestTimeAug\", \"transforms\": [[{\"type\": \"RandomFlip\", \"prob\": 1.0}, {\"type\": \"RandomFlp\", \"prob\": 0.0}]]}]", "$.tta_pipeline[0].transforms[0][1].type", "RandomFlip")]
    [InlineData("[{\"type\": \"TestTimeAug\", \"transforms\": [[{\"type\": \"RandomFlip\", \"prob\": 2.0}]]}]", "$.tta_pipeline[0].transforms[0][0].prob", "between 0 and 1")]
    [InlineData("[{\"type\": \"TestTimeAug\", \"transforms\": [[{\"type\": \"PackInputs\"}]], \"keys\": 1}]", "$.tta_pipeline[0].keys", "transforms")]
    [InlineData("[{\"type\": \"Resise\"}]", "$.tta_pipeline[0].type", "Resize")]
    public void Tta_pipeline_errors_are_located(string pipeline, string path, string detail)
    {
        var error = Assert.ThrowsAny<ConfigException>(() => Read(WithTta($"\"tta_pipeline\": {pipeline}")).BuildTestTimeViews());

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(detail, error.Message);
        Assert.True(error.Location.Line > 1);
    }

    [Fact]
    public void An_unknown_tta_model_is_refused_at_its_type()
    {
        var error = ReadFails(WithTta("\"tta_model\": {\"type\": \"AverageScoreTTA\"}"));

        Assert.Equal("$.tta_model.type", error.JsonPath);
        Assert.Contains("AverageClsScoreTTA", error.Message);
    }

    private static string WithTta(string sections) => TinyExperiment.ConfigText("/nowhere").TrimEnd().TrimEnd('}') + ",\n" + sections + "\n}";
}
