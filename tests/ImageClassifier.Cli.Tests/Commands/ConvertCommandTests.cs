using System.Text.Json;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Models.Checkpoints;
using static ImageClassifier.Cli.Tests.TestHelpers.InProcessIcls;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary><c>icls convert</c> over the torchvision fixture of the model tests (Fixtures/Conversion there).</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Conversion(string name) =>
        Path.Combine(FixturePaths.Folder("..", "..", "ImageClassifier.Models.Tests", "Fixtures", "Conversion"), name);

    private string Config()
    {
        var path = folder.Combine("resnet18_w8.json");
        File.WriteAllText(path, """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8},
                "neck": {"type": "GlobalAveragePooling"},
                "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 64}
              }
            }
            """);
        return path;
    }

    [Fact]
    public void A_torchvision_checkpoint_converts_into_one_icls_loads()
    {
        var destination = folder.Combine("converted.safetensors");

        var run = Icls("convert", Config(), Conversion("tv_resnet18_w8.pth"), destination, "--from", "torchvision");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Converted 122 tensors", run.Output, StringComparison.Ordinal);
        var converted = TorchCheckpointReader.ReadDictionary(destination);
        var stateDict = Assert.IsType<Dictionary<string, object?>>(converted["state_dict"]);
        Assert.Contains("backbone.layer4.1.bn2.running_var", stateDict.Keys);
        Assert.Contains("head.fc.weight", stateDict.Keys);
    }

    [Fact]
    public void Icls_test_of_a_converted_model_gives_pytorchs_top1_on_the_same_images()
    {
        // Fixtures/ConvertedTest: tools/fixtures/make_converted_test_fixtures.py trained a torchvision
        // network briefly and wrote what PyTorch predicts for each of 100 Fashion-MNIST PNGs.
        var images = FixturePaths.Folder("ConvertedTest");
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(images, "expected.json")));
        var config = folder.Combine("resnet18_w8_folder.json");
        var data = JsonSerializer.Serialize(images);
        File.WriteAllText(config, $$"""
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8},
                "neck": {"type": "GlobalAveragePooling"},
                "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 64}
              },
              "data_preprocessor": {"type": "ClsDataPreprocessor", "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true},
              "test_dataloader": {
                "batch_size": 25,
                "sampler": {"type": "DefaultSampler", "shuffle": false},
                "dataset": {"type": "CustomDataset", "data_root": {{data}}, "pipeline": [{"type": "LoadImageFromFile"}, {"type": "PackInputs"}]}
              },
              "test_evaluator": {"type": "Accuracy", "topk": [1]}
            }
            """);
        var converted = folder.Combine("fmnist.pth");
        var convert = Icls("convert", config, Path.Combine(images, expected.RootElement.GetProperty("checkpoint").GetString()!), converted, "--from", "torchvision");
        Assert.True(convert.ExitCode == 0, convert.Error);

        var test = Icls("test", config, converted, "--json", "--work-dir", folder.Combine("work"), "--device", "cpu");

        Assert.True(test.ExitCode == 0, test.Error);
        using var result = JsonDocument.Parse(test.Output);
        Assert.Equal(expected.RootElement.GetProperty("images").GetInt32(), result.RootElement.GetProperty("samples").GetInt32());
        Assert.Equal(expected.RootElement.GetProperty("top1").GetDouble(), result.RootElement.GetProperty("metrics").GetProperty("accuracy/top1").GetDouble(), 6);
    }

    [Fact]
    public void Keys_of_another_layout_are_bad_input_naming_them()
    {
        var run = Icls("convert", Config(), Conversion("tv_mobilenet_v2_w025.pth"), folder.Combine("x.pth"), "--from", "torchvision");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("features.", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine("x.pth")));
    }
}
