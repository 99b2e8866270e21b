using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Losses;
using ImageClassifier.Models.Necks;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Tests.Binding;

public class ZooCSharpConfigTests
{
    // The same object is the compile-time-checked config, the model's factory and its JSON.
    private static ImageClassifierModelConfig SmallResNet() => new()
    {
        Backbone = new ResNetConfig { Depth = 18, StemChannels = 8, BaseChannels = 8 },
        Neck = new GlobalAveragePoolingConfig(),
        Head = new LinearClsHeadConfig { NumClasses = 10, InChannels = 64, Loss = new CrossEntropyLossConfig { LossWeight = 1.0 }, Topk = [1, 5] },
    };

    [Fact]
    public void A_zoo_model_written_in_csharp_builds_and_runs()
    {
        using var model = SmallResNet().Build();
        using var images = rand(2, 3, 32, 32);
        using var scores = model.call(images);

        Assert.Equal(new long[] { 2, 10 }, scores.shape);
    }

    [Fact]
    public void A_zoo_config_written_in_csharp_serialises_to_mmpretrain_json_and_binds_back_equal()
    {
        var binder = new ConfigBinder(BuiltInComponents.CreateCatalog());
        var config = SmallResNet();

        var json = binder.Serialize(config);
        var rebound = binder.BindComponentJson(json, typeof(Classifier));

        Assert.StartsWith("{\n  \"type\": \"ImageClassifier\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"base_channels\": 8", json, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"CrossEntropyLoss\"", json, StringComparison.Ordinal);
        Assert.Equal(config, rebound);
    }

    [Fact]
    public void A_constraint_is_enforced_when_csharp_sets_a_value_at_run_time()
    {
        var depth = 19;
        var error = Assert.Throws<ConfigValueException>(() => new ResNetConfig { Depth = depth });

        Assert.Equal("depth must be one of 18, 34, 50, 101, 152, but got 19.", error.Message);
    }
}
