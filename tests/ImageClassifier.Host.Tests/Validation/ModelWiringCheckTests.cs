using System.Runtime.InteropServices;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Tests.Configuration;
using ImageClassifier.Hosting.Tests.TestComponents;
using ImageClassifier.Hosting.Validation;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using TorchSharp;
using static ImageClassifier.Hosting.Tests.Validation.ValidationConfigs;

namespace ImageClassifier.Hosting.Tests.Validation;

/// <summary>The wiring check on small built-in models: which part, which key, which numbers.</summary>
public sealed class ModelWiringCheckTests : IDisposable
{
    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_head_whose_in_channels_is_not_what_the_neck_gives_is_an_error_at_in_channels_naming_both_parts()
    {
        var text = Config(head: Head(256));

        var error = Assert.Throws<ConfigException>(() => ModelWiringCheck.Check(Read(folder, text)));

        AssertAt(error, text, "$.model.head.in_channels", "\"in_channels\": 256");
        Assert.Equal("LinearClsHead expects 256 input features, but ResNet (model.backbone) with GlobalAveragePooling (model.neck) gives 64; set in_channels to 64", error.Detail);

        // libtorch's own words and C++ frames stay behind the config error, for --verbose.
        Assert.IsAssignableFrom<ExternalException>(error.InnerException);
        Assert.DoesNotContain("Exception raised from", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_without_a_neck_to_pool_the_backbones_maps_is_an_error_at_the_missing_neck()
    {
        var text = Config(neck: null);

        var error = Assert.Throws<ConfigException>(() => ModelWiringCheck.Check(Read(folder, text)));

        Assert.Equal("$.model.neck", error.JsonPath);
        Assert.Equal(
            "missing: ResNet (model.backbone) gives (1, 64, 7, 7) feature maps and there is no neck to pool them, so LinearClsHead (model.head) fails on them; add a neck such as {\"type\": \"GlobalAveragePooling\"}",
            error.Detail);
        Assert.Equal(PositionOf(text, "{\n    \"type\": \"ImageClassifier\"").Line, error.Location.Line);
    }

    [Fact]
    public void A_backbone_whose_in_channels_is_not_the_datasets_channel_count_is_an_error_at_in_channels()
    {
        var text = Config(
            backbone: """{"type": "ResNet", "depth": 18, "in_channels": 3, "stem_channels": 8, "base_channels": 8}""",
            sections: Loader("test_dataloader", "FashionMNIST"));

        var error = Assert.Throws<ConfigException>(() => ModelWiringCheck.Check(Read(folder, text)));

        AssertAt(error, text, "$.model.backbone.in_channels", "\"in_channels\": 3");
        Assert.Equal("ResNet expects 3 input channels, but the input has 1 (the images of FashionMNIST (test_dataloader.dataset)); set in_channels to 1", error.Detail);
    }

    [Theory]
    [InlineData(false, "\"type\": \"ClsDataPreprocessor\", ", "$.model.data_preprocessor.mean")]
    [InlineData(true, "\"type\": \"ClsDataPreprocessor\", ", "$.data_preprocessor.mean")]

    // Without "type" a preprocessor is a ClsDataPreprocessor, as mmpretrain's classifiers take it.
    [InlineData(false, "", "$.model.data_preprocessor.mean")]
    [InlineData(true, "", "$.data_preprocessor.mean")]
    public void A_preprocessor_whose_mean_does_not_match_the_datasets_channels_is_an_error_at_mean(bool topLevel, string type, string jsonPath)
    {
        var preprocessor = "{" + type + "\"mean\": [125.3, 123.0, 113.9], \"std\": [63.0, 62.1, 66.7]}";
        var loader = Loader("test_dataloader", "MNIST");
        var text = topLevel
            ? Config(backbone: """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""", sections: $"\"data_preprocessor\": {preprocessor},\n  {loader}")
            : Config(backbone: """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""", preprocessor: preprocessor, sections: loader);

        var error = Assert.Throws<ConfigException>(() => ModelWiringCheck.Check(Read(folder, text)));

        AssertAt(error, text, jsonPath, "\"mean\": [");
        Assert.Equal("ClsDataPreprocessor normalises 3 channels (one per mean value), but the input has 1 (the images of MNIST (test_dataloader.dataset)); give mean and std 1 value each", error.Detail);
    }

    [Fact]
    public void A_neck_whose_in_channels_is_not_what_the_backbone_gives_is_an_error_naming_the_setting_of_a_run_written_in_csharp()
    {
        var run = new RunDefinition
        {
            Model = new ImageClassifierModelConfig
            {
                Backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8 },
                Neck = new ProjectionNeckConfig { InChannels = 32, OutChannels = 16 },
                Head = new LinearClsHeadConfig { NumClasses = 10, InChannels = 16 },
            },
        };

        var error = Assert.Throws<RunConfigException>(() => ModelWiringCheck.Check(run));

        Assert.Equal("$.model.neck.in_channels", error.Path);
        Assert.Equal("ProjectionNeck expects 32 input channels, but ResNet (model.backbone) gives 64; set in_channels to 64", error.Detail);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void A_model_whose_parts_fit_passes_and_reports_its_input_and_output()
    {
        var text = Config(
            backbone: """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""",
            head: Head(64, numClasses: 7),
            sections: Loader("test_dataloader", "FashionMNIST"));

        var result = ModelWiringCheck.Check(Read(folder, text));

        Assert.NotNull(result);
        Assert.Equal([1L, 1, 28, 28], result.Input.Shape);
        Assert.Equal([1L, 7], result.OutputShape);
    }

    [Fact]
    public void An_input_shape_given_by_the_caller_is_used_and_not_blamed_on_the_config()
    {
        var run = Read(folder, Config());

        var fits = ModelWiringCheck.Check(run, ModelInput.Given([2, 3, 64, 48], "--input-shape"));
        var error = Assert.Throws<ConfigException>(() => ModelWiringCheck.Check(run, ModelInput.Given([1, 1, 32, 32], "--input-shape")));

        Assert.Equal([2L, 10], fits!.OutputShape);
        Assert.Equal("$.model.backbone.in_channels", error.JsonPath);
        Assert.Equal("ResNet expects 3 input channels, but the input has 1 (--input-shape)", error.Detail);
    }

    [Fact]
    public void The_check_leaves_no_tensor_behind_whether_the_parts_fit_or_not()
    {
        var good = Read(folder, Config(), "good.json");
        var bad = Read(folder, Config(head: Head(256)), "bad.json");

        long LiveAfter(Action action)
        {
            DisposeScopeManager.Statistics.Reset();
            action();
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }

        // Building and disposing the model is the baseline: the forward pass must add nothing to it.
        var baseline = LiveAfter(() => good.BuildModel().Dispose());
        Assert.Equal(baseline, LiveAfter(() => ModelWiringCheck.Check(good)));
        Assert.Equal(baseline, LiveAfter(() => Assert.Throws<ConfigException>(() => ModelWiringCheck.Check(bad))));
    }

    [Fact]
    public void A_model_given_to_the_check_keeps_its_weights_and_its_training_mode()
    {
        var run = Read(folder, Config(backbone: """{"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8, "frozen_stages": 1}"""));
        using var model = run.BuildModel();
        model.train();
        var backbone = ((ImageClassifierModel)model).Backbone;
        var frozenNorm = backbone.named_modules().Single(pair => pair.name == "layer1.0.bn1").module;
        var weights = model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.clone());

        ModelWiringCheck.Check(run, model, ModelInputInference.Infer(run));

        Assert.True(model.training);
        Assert.True(backbone.training);
        Assert.False(frozenNorm.training);
        foreach (var (key, value) in model.state_dict())
        {
            Assert.True(value.equal(weights[key]).all().item<bool>(), key);
        }

        foreach (var copy in weights.Values)
        {
            copy.Dispose();
        }
    }

    [Fact]
    public void The_host_checks_the_wiring_of_a_run()
    {
        var host = ImageClassifierHost.Create(new HostOptions { CatalogFactory = () => ValidationConfigs.Catalog, DefaultPluginDirectory = null });
        var run = Read(folder, Config());

        var result = host.CheckWiring(run, [1, 3, 32, 32]);

        Assert.Equal([1L, 10], result!.OutputShape);
        Assert.Throws<ConfigException>(() => host.CheckWiring(Read(folder, Config(head: Head(65)), "bad.json")));
    }
}
