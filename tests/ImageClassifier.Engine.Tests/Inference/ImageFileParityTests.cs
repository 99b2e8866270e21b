using System.Text.Json;
using System.Text.Json.Nodes;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Engine.Tests.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting;

namespace ImageClassifier.Engine.Tests.Inference;

/// <summary>
/// The same config, checkpoint and PNG give mmpretrain's softmax scores: the zoo's ResNet-18
/// fixture with ImageNet's mean and std and to_rgb, as tools/fixtures/make_image_loading_fixtures.py
/// ran it in PyTorch on mmcv's BGR pixels.
/// </summary>
public sealed class ImageFileParityTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-parity-{Guid.NewGuid():N}");

    public ImageFileParityTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Softmax_scores_match_mmpretrains_within_1e_4()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageCodecMmcvParityTests.Folder, "expected.json")));
        var model = expected.RootElement.GetProperty("model");
        var config = new JsonObject
        {
            ["model"] = JsonNode.Parse(model.GetProperty("config").GetRawText()),
            ["data_preprocessor"] = new JsonObject
            {
                ["type"] = "ClsDataPreprocessor",
                ["mean"] = JsonNode.Parse(expected.RootElement.GetProperty("mean").GetRawText()),
                ["std"] = JsonNode.Parse(expected.RootElement.GetProperty("std").GetRawText()),
                ["to_rgb"] = true,
            },
            ["test_dataloader"] = new JsonObject
            {
                ["batch_size"] = 4,
                ["dataset"] = new JsonObject
                {
                    ["type"] = "CustomDataset",
                    ["data_root"] = ImageCodecMmcvParityTests.Folder,
                    ["pipeline"] = new JsonArray(new JsonObject { ["type"] = "LoadImageFromFile" }, new JsonObject { ["type"] = "PackInputs" }),
                },
            },
        };
        var configPath = Path.Combine(folder, "resnet18_imagenet_norm.json");
        File.WriteAllText(configPath, config.ToJsonString());
        var checkpoint = Path.Combine(FixturePaths.Folder("..", "..", "ImageClassifier.Models.Tests", "Fixtures", "Zoo"), model.GetProperty("checkpoint").GetString()!);
        var host = ImageClassifierHost.Create(new HostOptions { DefaultPluginDirectory = null, WorkingDirectoryPluginDirectory = null, ReadEnvironmentVariable = null });
        using var inferencer = host.CreateInferencer(configPath, checkpoint, "cpu");
        var names = model.GetProperty("softmax").EnumerateObject().Select(entry => entry.Name).ToArray();

        var outcomes = inferencer.InferFiles(names.Select(name => Path.Combine(ImageCodecMmcvParityTests.Folder, name)), topk: inferencer.NumClasses);

        foreach (var (name, outcome) in names.Zip(outcomes))
        {
            Assert.True(outcome.Result is not null, outcome.Describe());
            var reference = model.GetProperty("softmax").GetProperty(name).EnumerateArray().Select(value => value.GetDouble()).ToArray();
            var ours = new double[reference.Length];
            foreach (var score in outcome.Result.TopK)
            {
                ours[score.Label] = score.Score;
            }

            var worst = ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-4, $"{name}: max |ours - mmpretrain's| = {worst}");
        }
    }
}
