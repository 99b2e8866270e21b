using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>
/// Every augmentation in a training pipeline written as an mmpretrain config writes it, bound from
/// JSON and run through the data loader; bad values are errors at their place in the file.
/// </summary>
public sealed class AugmentationPipelineTests : IDisposable
{
    private const string Pipeline = """
        [
          {"type": "LoadImageFromFile"},
          {"type": "EfficientNetRandomCrop", "scale": 24, "backend": "pillow"},
          {"type": "RandomFlip", "prob": 0.5, "direction": "horizontal"},
          {"type": "RandAugment", "policies": "timm_increasing", "num_policies": 2, "total_level": 10, "magnitude_level": 9, "magnitude_std": 0.5,
           "hparams": {"pad_val": [104, 116, 124], "interpolation": "bicubic"}},
          {"type": "AutoAugment", "policies": "imagenet"},
          {"type": "TrivialAugmentWide"},
          {"type": "ColorJitter", "brightness": 0.4, "contrast": [0.6, 1.4], "saturation": 0.4, "hue": 0.1},
          {"type": "RandomGrayscale", "prob": 0.2, "keep_channels": true, "channel_weights": [0.114, 0.587, 0.2989]},
          {"type": "GaussianBlur", "magnitude_range": [0.1, 2.0], "magnitude_std": "inf", "prob": 0.5},
          {"type": "RandomErasing", "erase_prob": 0.25, "mode": "rand", "min_area_ratio": 0.02, "max_area_ratio": 0.3333,
           "fill_color": [103.53, 116.28, 123.675], "fill_std": [57.375, 57.12, 58.395]},
          {"type": "RandAugment", "num_policies": 1, "magnitude_level": 5, "policies": [
            {"type": "Rotate", "magnitude_range": [0, 30]}, {"type": "Cutout", "magnitude_range": [0, 8], "pad_val": 0},
            {"type": "Solarize", "magnitude_range": [256, 0]}, {"type": "SolarizeAdd", "magnitude_range": [0, 110]},
            {"type": "ColorTransform", "magnitude_range": [0, 0.9]}, {"type": "Contrast", "magnitude_range": [0, 0.9]},
            {"type": "Brightness", "magnitude_range": [0, 0.9]}, {"type": "Sharpness", "magnitude_range": [0, 0.9]},
            {"type": "Posterize", "magnitude_range": [4, 0]}, {"type": "Translate", "magnitude_range": [0, 0.45], "direction": "vertical"}]},
          {"type": "AutoAugment", "hparams": {"pad_val": 128}, "policies": [
            [{"type": "Posterize", "bits": 4, "prob": 0.4}, {"type": "Equalize"}, {"type": "AutoContrast"}],
            [{"type": "Shear", "magnitude": 0.2, "direction": "vertical"}, {"type": "Invert", "prob": 0.3}]]},
          {"type": "PackInputs"}
        ]
        """;

    private readonly TempFolder folder = new();

    public AugmentationPipelineTests()
    {
        var random = new Random(11);
        foreach (var label in new[] { "cat", "dog" })
        {
            for (var index = 0; index < 6; index++)
            {
                var pixels = new byte[3 * 40 * 52];
                random.NextBytes(pixels);
                Directory.CreateDirectory(folder.Combine("data", label));
                ImageCodec.WritePng(new ImageData(pixels, 3, 40, 52), folder.Combine("data", label, $"{index}.png"));
            }
        }
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Every_augmentation_binds_from_JSON_and_the_loader_gives_the_same_batches_for_the_same_epoch()
    {
        var run = Read(Config(Pipeline));

        var pipeline = run.BuildPipeline(RunStage.Train);
        var loader = run.BuildDataLoader(RunStage.Train, seed: 5);
        var first = Batches(loader, epoch: 0);
        var again = Batches(loader, epoch: 0);
        var next = Batches(loader, epoch: 1);

        Assert.Equal(
            ["LoadImageFromFile", "EfficientNetRandomCrop", "RandomFlip", "RandAugment", "AutoAugment", "TrivialAugmentWide", "ColorJitter", "RandomGrayscale",
             "GaussianBlur", "RandomErasing", "RandAugment", "AutoAugment", "PackInputs"],
            pipeline.Select(step => step.GetType().Name));
        Assert.Equal(10, ((ImageClassifier.Data.Transforms.RandAugment)pipeline[10]).Policies.Count);
        Assert.Equal([3, 2], ((ImageClassifier.Data.Transforms.AutoAugment)pipeline[11]).SubPolicies.Select(subPolicy => subPolicy.Count));
        Assert.Equal(3, first.Count);
        Assert.All(first, batch => Assert.Equal(4 * 3 * 24 * 24, batch.Length));
        Assert.Equal(first, again);
        Assert.NotEqual(first, next);
    }

    [Theory]
    [InlineData("\"brightness\": 0.4", "\"brightness\": \"0.4\"", "pipeline[6].brightness", "expected a number, a list of numbers or null")]
    [InlineData("\"magnitude_std\": \"inf\"", "\"magnitude_std\": \"infinite\"", "pipeline[8].magnitude_std", "expected a number or \"inf\"")]
    [InlineData("\"hparams\": {\"pad_val\": 128}", "\"hparams\": {\"pad_val\": 128, \"fill\": 0}", "pipeline[11].hparams", "not \"fill\"")]
    [InlineData("\"pad_val\": [104, 116, 124]", "\"pad_val\": [104, 116, 300]", "pipeline[3].hparams", "pad_val values must be between 0 and 255")]
    [InlineData("{\"type\": \"Rotate\", \"magnitude_range\": [0, 30]}", "{\"type\": \"Rotate\", \"magnitude_rang\": [0, 30]}", "pipeline[10].policies", "the policy at [0]")]
    [InlineData("\"bits\": 4, \"prob\": 0.4", "\"bits\": 9, \"prob\": 0.4", "pipeline[11].policies", "the policy at [0][0]: bits must be")]
    [InlineData("\"policies\": \"imagenet\"", "\"policies\": 3", "pipeline[4].policies", "a preset's name")]
    public void A_value_that_does_not_bind_is_an_error_at_its_member(string original, string replacement, string path, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Read(Config(Pipeline.Replace(original, replacement, StringComparison.Ordinal))));

        Assert.Equal("$.train_dataloader.dataset." + path, error.JsonPath);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"contrast\": [0.6, 1.4]", "\"contrast\": [1.4, 0.6]", "pipeline[6].contrast", "min <= max")]
    [InlineData("\"policies\": \"timm_increasing\"", "\"policies\": \"timm\"", "pipeline[3].policies", "\"timm_increasing\"")]
    [InlineData("{\"type\": \"Rotate\", \"magnitude_range\": [0, 30]}", "{\"type\": \"Rotate\", \"magnitude_range\": [0]}", "pipeline[10].policies[0].magnitude_range", "[val1, val2]")]
    [InlineData("\"bits\": 4, \"prob\": 0.4", "\"prob\": 0.4", "pipeline[11].policies", "policies[0][0].bits must be given")]
    [InlineData("\"fill_std\": [57.375, 57.12, 58.395]", "\"fill_std\": [57.375, 57.12]", "pipeline[9].fill_std", "one number or three")]
    [InlineData("\"policies\": \"imagenet\"", "\"policies\": [{\"type\": \"Invert\"}]", "pipeline[4].policies", "list of sub-policies")]
    public void A_value_a_transform_refuses_is_an_error_at_its_member_when_the_pipeline_is_built(string original, string replacement, string path, string message)
    {
        var run = Read(Config(Pipeline.Replace(original, replacement, StringComparison.Ordinal)));

        var error = Assert.Throws<ConfigException>(() => run.BuildPipeline(RunStage.Train));

        Assert.Equal("$.train_dataloader.dataset." + path, error.JsonPath);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static List<byte[]> Batches(ImageClassifier.Data.Loading.DataLoader loader, int epoch) =>
        [.. loader.Epoch(epoch).Select(batch =>
        {
            using (batch)
            {
                return batch.Inputs.data<byte>().ToArray();
            }
        })];

    private RunDefinition Read(string text)
    {
        var path = folder.Combine("config.json");
        File.WriteAllText(path, text);
        return RunDefinitionReader.Read(ConfigLoader.Load(path), TinyExperiment.Catalog);
    }

    private string Config(string pipeline) => $$$"""
        {
          "model": {
            "type": "ImageClassifier",
            "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 4, "base_channels": 4, "num_stages": 1, "strides": [1], "dilations": [1], "out_indices": [0]},
            "neck": {"type": "GlobalAveragePooling"},
            "head": {"type": "LinearClsHead", "num_classes": 2, "in_channels": 4, "loss": {"type": "CrossEntropyLoss"}}
          },
          "train_dataloader": {
            "batch_size": 4,
            "dataset": {"type": "CustomDataset", "data_root": "{{{folder.Combine("data")}}}", "pipeline": {{{pipeline}}}}
          }
        }
        """;
}
