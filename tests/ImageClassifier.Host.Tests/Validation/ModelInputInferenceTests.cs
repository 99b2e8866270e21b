using ImageClassifier.Hosting.Tests.Configuration;
using ImageClassifier.Hosting.Validation;
using static ImageClassifier.Hosting.Tests.Validation.ValidationConfigs;

namespace ImageClassifier.Hosting.Tests.Validation;

/// <summary>The input size and channels the wiring check reads from a config.</summary>
public sealed class ModelInputInferenceTests : IDisposable
{
    private const string RgbPreprocessor = """{"type": "ClsDataPreprocessor", "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375]}""";

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_test_pipelines_last_crop_wins_over_the_training_pipeline()
    {
        var text = Config(preprocessor: RgbPreprocessor, sections: string.Join(",\n  ",
            Loader("train_dataloader", "CustomDataset", """{"type": "LoadImageFromFile"}, {"type": "RandomResizedCrop", "scale": 160}, {"type": "PackInputs"}"""),
            Loader("test_dataloader", "CustomDataset", """{"type": "LoadImageFromFile"}, {"type": "ResizeEdge", "scale": 256}, {"type": "CenterCrop", "crop_size": 192}, {"type": "PackInputs"}""")));

        var input = ModelInputInference.Infer(Read(folder, text));

        Assert.Equal([1L, 3, 192, 192], input.Shape);
        Assert.Equal("test_dataloader.dataset.pipeline[2].crop_size (CenterCrop)", input.SizeSource);
        Assert.Equal("model.data_preprocessor.mean, which has 3 values", input.ChannelSource);
        Assert.True(input.FromConfig);
    }

    [Fact]
    public void EfficientNets_crops_set_the_size_as_the_other_crops_do()
    {
        var text = Config(preprocessor: RgbPreprocessor, sections: string.Join(",\n  ",
            Loader("train_dataloader", "CustomDataset", """{"type": "LoadImageFromFile"}, {"type": "EfficientNetRandomCrop", "scale": 240}, {"type": "PackInputs"}"""),
            Loader("val_dataloader", "CustomDataset", """{"type": "LoadImageFromFile"}, {"type": "EfficientNetCenterCrop", "crop_size": 260}, {"type": "PackInputs"}""")));
        var trainOnly = Config(preprocessor: RgbPreprocessor, sections:
            Loader("train_dataloader", "CustomDataset", """{"type": "LoadImageFromFile"}, {"type": "EfficientNetRandomCrop", "scale": 240}, {"type": "PackInputs"}"""));

        var input = ModelInputInference.Infer(Read(folder, text));
        var trainInput = ModelInputInference.Infer(Read(folder, trainOnly, "train.json"));

        Assert.Equal([1L, 3, 260, 260], input.Shape);
        Assert.Equal("val_dataloader.dataset.pipeline[1].crop_size (EfficientNetCenterCrop)", input.SizeSource);
        Assert.Equal([1L, 3, 240, 240], trainInput.Shape);
        Assert.Equal("train_dataloader.dataset.pipeline[1].scale (EfficientNetRandomCrop)", trainInput.SizeSource);
    }

    [Fact]
    public void A_dataset_of_fixed_size_gives_its_images_size_and_channels()
    {
        var text = Config(sections: Loader("val_dataloader", "CIFAR10"));

        var input = ModelInputInference.Infer(Read(folder, text));

        Assert.Equal([1L, 3, 32, 32], input.Shape);
        Assert.Equal("32x32 from the 32x32 images of CIFAR10 (val_dataloader.dataset), 3 channels from the images of CIFAR10 (val_dataloader.dataset)", input.Describe());
    }

    [Fact]
    public void A_resize_follows_the_datasets_own_size()
    {
        var edge = Config(sections: Loader("test_dataloader", "FashionMNIST", """{"type": "ResizeEdge", "scale": 56, "edge": "long"}, {"type": "PackInputs"}"""));
        var resize = Config(sections: Loader("test_dataloader", "MNIST", """{"type": "Resize", "scale": [40, 36]}, {"type": "PackInputs"}"""));

        var edgeInput = ModelInputInference.Infer(Read(folder, edge, "edge.json"));
        var resizeInput = ModelInputInference.Infer(Read(folder, resize, "resize.json"));

        Assert.Equal([1L, 1, 56, 56], edgeInput.Shape);
        Assert.Equal("test_dataloader.dataset.pipeline[0] (ResizeEdge) applied to the 28x28 images of FashionMNIST (test_dataloader.dataset)", edgeInput.SizeSource);

        // mmpretrain's scale is (width, height).
        Assert.Equal([1L, 1, 36, 40], resizeInput.Shape);
    }

    [Fact]
    public void Without_data_the_size_is_224_and_the_channels_the_backbones()
    {
        var text = Config(backbone: """{"type": "ResNet", "depth": 18, "in_channels": 2, "stem_channels": 8, "base_channels": 8}""");

        var input = ModelInputInference.Infer(Read(folder, text));

        Assert.Equal([1L, 2, 224, 224], input.Shape);
        Assert.Equal("model.backbone.in_channels", input.ChannelSource);
        Assert.StartsWith("the default 224x224", input.SizeSource, StringComparison.Ordinal);
    }
}
