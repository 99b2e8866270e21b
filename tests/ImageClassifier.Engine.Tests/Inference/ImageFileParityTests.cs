using System.Text.Json;
using System.Text.Json.Nodes;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Engine.Tests.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;

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
        using var expected = Expected();
        var model = expected.RootElement.GetProperty("model");
        using var inferencer = CreateInferencer(expected.RootElement);
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

    [Fact]
    public void Files_decoded_in_parallel_come_back_in_order_with_their_own_errors()
    {
        using var expected = Expected();
        using var inferencer = CreateInferencer(expected.RootElement);
        var broken = Path.Combine(folder, "broken.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        string[] names = ["rgb.png", "gray.png", "palette.png", "rgba.png", "gray_alpha.png", "rgb.jpg", "rgb_420.jpg"];
        var files = names.Select(name => Path.Combine(ImageCodecMmcvParityTests.Folder, name)).ToList();
        files.Insert(3, broken);
        files.Insert(5, Path.Combine(folder, "missing.png"));

        var outcomes = inferencer.InferFiles(files, topk: 2, batchSize: 2);

        Assert.Equal(files, outcomes.Select(outcome => outcome.Source));
        Assert.Null(outcomes[3].Result);
        Assert.Null(outcomes[5].Result);
        foreach (var (file, outcome) in files.Zip(outcomes).Where(pair => pair.Second.Error is null))
        {
            var alone = inferencer.InferFiles([file], topk: 2)[0].Result!;
            Assert.Equal(alone.PredLabel, outcome.Result!.PredLabel);
            Assert.Equal(alone.PredScore, outcome.Result.PredScore, 6);
        }
    }

    private static JsonDocument Expected() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageCodecMmcvParityTests.Folder, "expected.json")));

    private ImageClassificationInferencer CreateInferencer(JsonElement expected)
    {
        var model = expected.GetProperty("model");
        var config = new JsonObject
        {
            ["model"] = JsonNode.Parse(model.GetProperty("config").GetRawText()),
            ["data_preprocessor"] = new JsonObject
            {
                ["type"] = "ClsDataPreprocessor",
                ["mean"] = JsonNode.Parse(expected.GetProperty("mean").GetRawText()),
                ["std"] = JsonNode.Parse(expected.GetProperty("std").GetRawText()),
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
        return BuiltInHost.Instance.CreateInferencer(configPath, checkpoint, "cpu");
    }
}
