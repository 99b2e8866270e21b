using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageClassifier.Data.Images;
using ImageClassifier.Serving.Tests.TestHelpers;

namespace ImageClassifier.Serving.Tests.Endpoints;

public sealed class PredictEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Several_files_in_one_multipart_request_are_answered_in_order()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()));

        using var response = await server.PostFilesAsync("?topk=2", ("a.png", TestImages.Png(1)), ("b.png", TestImages.Png(2)), ("c.png", TestImages.Png(3)));
        using var answer = await Json(response, HttpStatusCode.OK);

        Assert.Equal("fake", answer.RootElement.GetProperty("model").GetString());
        var predictions = answer.RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(["a.png", "b.png", "c.png"], predictions.Select(prediction => prediction.GetProperty("source").GetString()));
        for (var index = 0; index < 3; index++)
        {
            var expected = FakeInferencer.LabelOf(TestImages.Pixels(index + 1), 4);
            var prediction = predictions[index];
            Assert.Equal(expected, prediction.GetProperty("pred_label").GetInt32());
            Assert.Equal(new FakeInferencer().Classes[expected], prediction.GetProperty("pred_class").GetString());
            Assert.Equal(0.9, prediction.GetProperty("pred_score").GetDouble(), 6);
            var topk = prediction.GetProperty("topk").EnumerateArray().ToList();
            Assert.Equal(2, topk.Count);
            Assert.Equal(expected, topk[0].GetProperty("label").GetInt32());
            Assert.Equal(prediction.GetProperty("pred_class").GetString(), topk[0].GetProperty("class").GetString());
        }
    }

    [Fact]
    public async Task A_raw_body_is_one_image_named_by_the_query()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()), options => options.DefaultTopk = 3);

        using var content = new ByteArrayContent(TestImages.Png(7));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var named = await server.Client.PostAsync("predict?name=photo.png", content);
        using var namedAnswer = await Json(named, HttpStatusCode.OK);
        using var unnamed = await server.Client.PostAsync("predict", new ByteArrayContent(TestImages.Png(7)));
        using var unnamedAnswer = await Json(unnamed, HttpStatusCode.OK);

        var prediction = Assert.Single(namedAnswer.RootElement.GetProperty("predictions").EnumerateArray());
        Assert.Equal("photo.png", prediction.GetProperty("source").GetString());
        Assert.Equal(FakeInferencer.LabelOf(TestImages.Pixels(7), 4), prediction.GetProperty("pred_label").GetInt32());
        Assert.Equal(3, prediction.GetProperty("topk").GetArrayLength());
        Assert.Equal("body", unnamedAnswer.RootElement.GetProperty("predictions")[0].GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_corrupt_upload_is_a_400_naming_the_file_and_the_server_goes_on_serving()
    {
        var inferencer = new FakeInferencer();
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(inferencer));

        using var truncated = await server.PostFilesAsync(string.Empty, ("good.png", TestImages.Png(1)), ("broken.png", TestImages.TruncatedPng(2)));
        using var truncatedAnswer = await Json(truncated, HttpStatusCode.BadRequest);
        using var text = await server.Client.PostAsync("predict?name=notes.txt", new StringContent("not an image"));
        using var textAnswer = await Json(text, HttpStatusCode.BadRequest);
        using var good = await server.PostFilesAsync(string.Empty, ("good.png", TestImages.Png(1)));
        using var goodAnswer = await Json(good, HttpStatusCode.OK);

        Assert.Equal("application/problem+json", truncated.Content.Headers.ContentType?.MediaType);
        Assert.Equal("broken.png", truncatedAnswer.RootElement.GetProperty("source").GetString());
        Assert.StartsWith("'broken.png'", truncatedAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Contains("PNG", truncatedAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Equal("notes.txt", textAnswer.RootElement.GetProperty("source").GetString());
        Assert.Contains("cannot read it as an image", textAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Equal("good.png", goodAnswer.RootElement.GetProperty("predictions")[0].GetProperty("source").GetString());

        // The bad requests never reached the model.
        Assert.Equal([1], inferencer.BatchSizes);
    }

    [Fact]
    public async Task Requests_over_the_limits_are_413()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()), options => (options.MaxRequestBytes, options.MaxImagesPerRequest) = (4000, 2));
        var large = new byte[5000];

        using var declared = await server.Client.PostAsync("predict", new ByteArrayContent(large));
        using var declaredAnswer = await Json(declared, HttpStatusCode.RequestEntityTooLarge);
        using var chunked = await server.Client.PostAsync("predict", new StreamContent(new MemoryStream(large)) { Headers = { ContentLength = null } });
        using var chunkedAnswer = await Json(chunked, HttpStatusCode.RequestEntityTooLarge);
        using var many = await server.PostFilesAsync(string.Empty, ("1.png", TestImages.Png(1)), ("2.png", TestImages.Png(2)), ("3.png", TestImages.Png(3)));
        using var manyAnswer = await Json(many, HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("5,000 bytes", declaredAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Contains("more than 4,000 bytes", chunkedAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Contains("more than 2 images", manyAnswer.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_full_queue_is_a_429_with_retry_after_and_the_queued_requests_are_still_served()
    {
        var inferencer = new FakeInferencer();
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(inferencer), options => (options.QueueCapacity, options.MaxBatchSize, options.MaxWait) = (1, 1, TimeSpan.Zero));
        inferencer.Hold();
        var running = server.PostFilesAsync(string.Empty, ("running.png", TestImages.Png(1)));
        Assert.True(await inferencer.Started.WaitAsync(Patience));
        var queued = server.PostFilesAsync(string.Empty, ("queued.png", TestImages.Png(2)));
        await WaitUntil(() => server.Client.GetStringAsync("health").ContinueWith(health => health.Result.Contains("\"queued\":1", StringComparison.Ordinal)));

        using var refused = await server.PostFilesAsync(string.Empty, ("refused.png", TestImages.Png(3)));
        using var refusedAnswer = await Json(refused, HttpStatusCode.TooManyRequests);
        using var degraded = await server.Client.GetAsync("health");
        using var degradedAnswer = await Json(degraded, HttpStatusCode.OK);
        inferencer.Release();

        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("busy", refusedAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Equal("Degraded", degradedAnswer.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, degradedAnswer.RootElement.GetProperty("rejected").GetInt32());
        using var runningResponse = await running.WaitAsync(Patience);
        using var queuedResponse = await queued.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, runningResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queuedResponse.StatusCode);
    }

    [Fact]
    public async Task An_image_over_the_pixel_limit_is_a_400_before_it_is_decoded()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()), options => options.ImageLimits = new ImageDecodeOptions { MaxPixels = 100 });

        using var response = await server.PostFilesAsync(string.Empty, ("wide.png", TestImages.Png(1, height: 12, width: 10)));
        using var answer = await Json(response, HttpStatusCode.BadRequest);

        Assert.Equal("wide.png", answer.RootElement.GetProperty("source").GetString());
        Assert.Contains("120", answer.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("?topk=0")]
    [InlineData("?topk=5")]
    [InlineData("?topk=two")]
    public async Task A_topk_outside_the_classes_is_a_400(string query)
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()));

        using var response = await server.PostFilesAsync(query, ("a.png", TestImages.Png(1)));
        using var answer = await Json(response, HttpStatusCode.BadRequest);

        Assert.Contains("topk must be a whole number from 1 to 4", answer.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_request_without_an_image_is_a_400()
    {
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(new FakeInferencer()));

        using var empty = await server.Client.PostAsync("predict", new ByteArrayContent([]));
        using var emptyAnswer = await Json(empty, HttpStatusCode.BadRequest);
        using var noParts = await server.Client.PostAsync("predict", new MultipartFormDataContent());
        using var noPartsAnswer = await Json(noParts, HttpStatusCode.BadRequest);

        Assert.Contains("'body' is empty", emptyAnswer.RootElement.GetProperty("detail").GetString());
        Assert.Contains("multipart/form-data body cannot be read", noPartsAnswer.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_failing_model_is_a_500_with_its_message()
    {
        var inferencer = new FakeInferencer { FailWith = "the model broke" };
        await using var server = await ServingApp.StartAsync(ServingApp.Fake(inferencer));

        using var response = await server.PostFilesAsync(string.Empty, ("a.png", TestImages.Png(1)));
        using var answer = await Json(response, HttpStatusCode.InternalServerError);

        Assert.Equal("Classification failed: the model broke", answer.RootElement.GetProperty("detail").GetString());
    }

    internal static async Task<JsonDocument> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
