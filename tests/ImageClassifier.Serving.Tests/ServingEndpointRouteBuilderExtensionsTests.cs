using System.Net;
using System.Text.Json;
using ImageClassifier.Serving.Tests.TestHelpers;
using static ImageClassifier.Serving.Tests.Endpoints.PredictEndpointTests;

namespace ImageClassifier.Serving.Tests;

public sealed class ServingEndpointRouteBuilderExtensionsTests
{
    [Fact]
    public async Task Models_tells_what_is_loaded_and_how_it_is_served()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()), options => (options.PoolSize, options.MaxBatchSize, options.DefaultTopk) = (1, 8, 10));

        using var response = await server.Client.GetAsync("models");
        using var answer = await Json(response, HttpStatusCode.OK);

        var model = Assert.Single(answer.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("fake", model.GetProperty("name").GetString());
        Assert.Equal("fake", model.GetProperty("runtime").GetString());
        Assert.Equal(4, model.GetProperty("num_classes").GetInt32());
        Assert.Equal(["cat", "dog", "bird", "fish"], model.GetProperty("classes").EnumerateArray().Select(name => name.GetString()));
        Assert.Equal(3, model.GetProperty("channels").GetInt32());
        Assert.Equal([12, 10], model.GetProperty("input_size").EnumerateArray().Select(side => side.GetInt32()));

        // The default topk is capped at the class count.
        Assert.Equal(4, model.GetProperty("default_topk").GetInt32());
        Assert.Equal(8, model.GetProperty("max_batch_size").GetInt32());
    }

    [Fact]
    public async Task Health_is_healthy_while_serving_with_the_queue_counters()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()), options => options.QueueCapacity = 7);
        using (await server.PostFilesAsync(string.Empty, ("a.png", TestImages.Png(1)), ("b.png", TestImages.Png(2))))
        {
        }

        using var response = await server.Client.GetAsync("health");
        using var answer = await Json(response, HttpStatusCode.OK);

        Assert.Equal("Healthy", answer.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, answer.RootElement.GetProperty("queued").GetInt32());
        Assert.Equal(7, answer.RootElement.GetProperty("queue_capacity").GetInt32());
        Assert.Equal(1, answer.RootElement.GetProperty("workers").GetInt32());
        Assert.Equal(1, answer.RootElement.GetProperty("batches").GetInt32());
        Assert.Equal(2, answer.RootElement.GetProperty("images").GetInt32());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_endpoints_and_their_answers()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()));

        using var response = await server.Client.GetAsync("openapi/v1.json");
        using var document = await Json(response, HttpStatusCode.OK);

        Assert.Equal("ImageClassifier: fake", document.RootElement.GetProperty("info").GetProperty("title").GetString());
        var paths = document.RootElement.GetProperty("paths");
        var predict = paths.GetProperty("/predict").GetProperty("post");
        Assert.True(predict.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.Equal(["200", "400", "413", "429", "503"], predict.GetProperty("responses").EnumerateObject().Select(status => status.Name).Order());
        Assert.True(paths.TryGetProperty("/models", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
        Assert.False(paths.TryGetProperty("/", out _));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.Equal(
            ["pred_class", "pred_label", "pred_score", "source", "topk"],
            schemas.GetProperty("PredictionJson").GetProperty("properties").EnumerateObject().Select(property => property.Name).Order());
    }

    [Fact]
    public async Task Everything_mounts_under_a_prefix_with_the_page_pointing_there()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()), prefix: "/classifier");

        using var models = await server.Client.GetAsync("models");
        using var page = await server.Client.GetAsync(string.Empty);
        var html = await page.Content.ReadAsStringAsync();
        using var script = await server.Client.GetAsync("index.js");
        using var styles = await server.Client.GetAsync("index.css");
        using var outside = await server.Client.GetAsync("/models");

        Assert.Equal("/classifier/models", models.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<base href=\"/classifier/\">", html);
        Assert.Contains("fetch(\"predict\"", await script.Content.ReadAsStringAsync());
        Assert.Equal("text/css", styles.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }
}
