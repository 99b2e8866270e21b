using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Onnx.Tests.TestHelpers;
using SeedExamples.Tests;
using TorchSharp;

namespace ImageClassifier.Onnx.Tests.Backbones;

/// <summary>The SeedExamples plugin's ResNet_CIFAR, loaded through the host's catalog: a plugin backbone that exports its own stem.</summary>
public sealed class ResNetCifarExportTests
{
    [Fact]
    public void The_plugins_cifar_stem_matches_onnx_runtime()
    {
        torch.manual_seed(5);
        using var model = BuildClassifier("""
            {
              "type": "ImageClassifier",
              "backbone": {"type": "ResNet_CIFAR", "depth": 18, "stem_channels": 8, "base_channels": 8},
              "neck": {"type": "GlobalAveragePooling"},
              "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 64},
              "data_preprocessor": {"mean": [125.3, 123.0, 113.9], "std": [63.0, 62.1, 66.7], "to_rgb": false}
            }
            """);
        Assert.Equal("SeedExamples.Backbones.ResNetCifar", ((Models.Classifiers.ImageClassifierModel)model).Backbone.GetType().FullName);
        ExportCheck.RandomizeNorms(model);

        ExportCheck.AssertMatches(model, 32, 32);
    }

    private static Classifier BuildClassifier(string json)
    {
        var config = new ConfigBinder(SamplePluginHost.Host.Catalog).BindComponentJson(json, typeof(Classifier));
        return (Classifier)SamplePluginHost.Host.Build(config);
    }
}
