using System.Net;
using ImageClassifier.Data.Images;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Serving.Tests.TestHelpers;
using static ImageClassifier.Serving.Tests.Endpoints.PredictEndpointTests;

namespace ImageClassifier.Serving.Tests;

[Collection(RealModelCollection.Name)]
public sealed class ServedModelTests : IDisposable
{
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    [Fact]
    public async Task The_server_answers_what_the_inferencer_answers_for_the_same_files()
    {
        var files = new[] { ("small.png", TestImages.Png(1, channels: 1, height: 20, width: 24)), ("large.png", TestImages.Png(2, channels: 1, height: 40, width: 30)) };
        using var inferencer = model.CreateInferencer();
        var expected = inferencer.Infer(
            [.. files.Select(file => ImageCodec.Decode(file.Item2, file.Item1, ColorType.Grayscale))],
            [.. files.Select(file => file.Item1)],
            topk: 4);

        await using var server = await ServingApp.StartAsync(model.Served());
        using var response = await server.PostFilesAsync("?topk=4", files);
        using var answer = await Json(response, HttpStatusCode.OK);

        var predictions = answer.RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(2, predictions.Count);
        foreach (var (prediction, result) in predictions.Zip(expected))
        {
            Assert.Equal(result.Source, prediction.GetProperty("source").GetString());
            Assert.Equal(result.PredLabel, prediction.GetProperty("pred_label").GetInt32());
            Assert.Equal(result.PredClass, prediction.GetProperty("pred_class").GetString());
            var scores = prediction.GetProperty("topk").EnumerateArray().ToDictionary(score => score.GetProperty("label").GetInt32(), score => score.GetProperty("score").GetDouble());
            Assert.Equal(4, scores.Count);
            Assert.All(result.TopK, score => Assert.Equal(score.Score, scores[score.Label], 1e-6));
        }
    }

    [Fact]
    public async Task Served_by_onnx_runtime_the_answers_are_the_torchsharp_inferencers_within_1e_4()
    {
        var files = new[] { ("a.png", TestImages.Png(3, channels: 1, height: 20, width: 24)), ("b.png", TestImages.Png(4, channels: 1, height: 16, width: 16)) };
        using var inferencer = model.CreateInferencer();
        var expected = inferencer.Infer(
            [.. files.Select(file => ImageCodec.Decode(file.Item2, file.Item1, ColorType.Grayscale))],
            [.. files.Select(file => file.Item1)],
            topk: 4);

        await using var server = await ServingApp.StartAsync(model.ServedByOnnxRuntime());
        using var models = await Json(await server.Client.GetAsync("models"), HttpStatusCode.OK);
        using var response = await server.PostFilesAsync("?topk=4", files);
        using var answer = await Json(response, HttpStatusCode.OK);

        Assert.Equal("onnx", models.RootElement.GetProperty("models")[0].GetProperty("runtime").GetString());
        var predictions = answer.RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(2, predictions.Count);
        foreach (var (prediction, result) in predictions.Zip(expected))
        {
            Assert.Equal(result.PredLabel, prediction.GetProperty("pred_label").GetInt32());
            var scores = prediction.GetProperty("topk").EnumerateArray().ToDictionary(score => score.GetProperty("label").GetInt32(), score => score.GetProperty("score").GetDouble());
            Assert.All(result.TopK, score => Assert.Equal(score.Score, scores[score.Label], 1e-4));
        }
    }

    [Fact]
    public async Task Models_reports_the_configs_classes_channels_and_input_size()
    {
        await using var server = await ServingApp.StartAsync(model.Served());

        using var response = await server.Client.GetAsync("models");
        using var answer = await Json(response, HttpStatusCode.OK);

        var served = answer.RootElement.GetProperty("models")[0];
        Assert.Equal("tiny", served.GetProperty("name").GetString());
        Assert.Equal("torchsharp", served.GetProperty("runtime").GetString());
        Assert.Equal(TinyModel.ClassNames, served.GetProperty("classes").EnumerateArray().Select(name => name.GetString()));
        Assert.Equal(1, served.GetProperty("channels").GetInt32());
        Assert.Equal([16, 16], served.GetProperty("input_size").EnumerateArray().Select(side => side.GetInt32()));
    }

    [Fact]
    public void A_wrong_config_or_a_missing_checkpoint_fails_before_any_server_starts()
    {
        var badConfig = Path.Combine(model.Folder, "bad.json");
        File.WriteAllText(badConfig, "{\"model\": {\"type\": \"NoSuchClassifier\"}}");

        Assert.Throws<ConfigException>(() => ServedModel.FromConfig(TinyModel.Host, badConfig, model.CheckpointPath));
        var missing = Assert.Throws<FileNotFoundException>(() => ServedModel.FromConfig(TinyModel.Host, model.ConfigPath, Path.Combine(model.Folder, "none.pth")));
        Assert.Contains("none.pth", missing.Message);
    }
}
