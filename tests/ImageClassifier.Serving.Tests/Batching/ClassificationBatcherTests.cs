using ImageClassifier.Data.Images;
using ImageClassifier.Serving.Batching;
using ImageClassifier.Serving.Tests.TestHelpers;

namespace ImageClassifier.Serving.Tests.Batching;

public sealed class ClassificationBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Concurrent_requests_are_merged_into_one_forward_pass()
    {
        var inferencer = new FakeInferencer();

        // A long wait: the batch runs because it is full, not because the wait ran out.
        await using var batcher = await Start(inferencer, options => (options.MaxBatchSize, options.MaxWait) = (4, TimeSpan.FromSeconds(20)));

        var requests = Enumerable.Range(0, 4).Select(seed => Classify(batcher, [TestImages.Pixels(seed)], [$"client{seed}.png"])).ToList();
        var answers = await Task.WhenAll(requests).WaitAsync(Patience);

        Assert.Equal([4], inferencer.BatchSizes);
        for (var seed = 0; seed < 4; seed++)
        {
            var result = Assert.Single(answers[seed]);
            Assert.Equal($"client{seed}.png", result.Source);
            Assert.Equal(FakeInferencer.LabelOf(TestImages.Pixels(seed), 4), result.PredLabel);
        }

        Assert.Equal(1, batcher.Value.Batches);
        Assert.Equal(4, batcher.Value.Images);
    }

    [Fact]
    public async Task A_request_that_would_overfill_the_batch_waits_for_the_next_one()
    {
        var inferencer = new FakeInferencer();
        await using var batcher = await Start(inferencer, options => (options.MaxBatchSize, options.MaxWait) = (4, TimeSpan.FromMilliseconds(200)));
        inferencer.Hold();
        var blocker = Classify(batcher, [TestImages.Pixels(9)], ["blocker"]);
        Assert.True(await inferencer.Started.WaitAsync(Patience));

        var three = Classify(batcher, [.. Enumerable.Range(0, 3).Select(seed => TestImages.Pixels(seed))], ["a", "b", "c"]);
        var two = Classify(batcher, [TestImages.Pixels(3), TestImages.Pixels(4)], ["d", "e"]);
        inferencer.Release();
        await Task.WhenAll(blocker, three, two).WaitAsync(Patience);

        Assert.Equal([1, 3, 2], inferencer.BatchSizes);
        Assert.Equal(["a", "b", "c"], (await three).Select(result => result.Source));
        Assert.Equal(["d", "e"], (await two).Select(result => result.Source));
    }

    [Fact]
    public async Task Each_request_gets_its_own_topk_from_a_shared_batch()
    {
        var inferencer = new FakeInferencer();
        await using var batcher = await Start(inferencer, options => (options.MaxBatchSize, options.MaxWait) = (2, TimeSpan.FromSeconds(20)));

        var one = Classify(batcher, [TestImages.Pixels(1)], ["one"], topk: 1);
        var three = Classify(batcher, [TestImages.Pixels(2)], ["three"], topk: 3);
        await Task.WhenAll(one, three).WaitAsync(Patience);

        Assert.Equal([2], inferencer.BatchSizes);
        Assert.Single((await one)[0].TopK);
        Assert.Equal(3, (await three)[0].TopK.Count);
    }

    [Fact]
    public async Task A_full_queue_refuses_new_requests_without_growing()
    {
        var inferencer = new FakeInferencer();
        await using var batcher = await Start(inferencer, options => (options.QueueCapacity, options.MaxBatchSize, options.MaxWait) = (2, 1, TimeSpan.Zero));
        inferencer.Hold();
        var running = Classify(batcher, [TestImages.Pixels(0)], ["running"]);
        Assert.True(await inferencer.Started.WaitAsync(Patience));

        var queued = new[] { Classify(batcher, [TestImages.Pixels(1)], ["q1"]), Classify(batcher, [TestImages.Pixels(2)], ["q2"]) };

        Assert.Equal(2, batcher.Value.Queued);
        Assert.Null(batcher.Value.TryTakeSlot());
        Assert.Null(batcher.Value.TryTakeSlot());
        Assert.Equal(2, batcher.Value.Rejected);

        inferencer.Release();
        await Task.WhenAll([running, .. queued]).WaitAsync(Patience);
        Assert.Equal(0, batcher.Value.Queued);

        // A slot taken and given back unused (a request that failed before queueing) frees its place.
        batcher.Value.TryTakeSlot()!.Dispose();
        batcher.Value.TryTakeSlot()!.Dispose();
        Assert.Equal(0, batcher.Value.Queued);
    }

    [Fact]
    public async Task A_failing_forward_pass_fails_its_requests_and_the_worker_goes_on()
    {
        var inferencer = new FakeInferencer { FailWith = "out of memory" };
        await using var batcher = await Start(inferencer, options => options.MaxWait = TimeSpan.Zero);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => Classify(batcher, [TestImages.Pixels(0)], ["a"]).WaitAsync(Patience));
        inferencer.FailWith = null;
        var served = await Classify(batcher, [TestImages.Pixels(1)], ["b"]).WaitAsync(Patience);

        Assert.Equal("out of memory", failed.Message);
        Assert.Equal("b", Assert.Single(served).Source);
    }

    [Fact]
    public async Task A_pool_runs_one_batch_per_inferencer_at_a_time_in_parallel()
    {
        var inferencers = new[] { new FakeInferencer(), new FakeInferencer() };
        var created = 0;
        var model = new ServedModel { Name = "pool", CreateInferencer = () => inferencers[created++] };
        await using var batcher = await Start(model, options => (options.PoolSize, options.MaxBatchSize, options.MaxWait) = (2, 1, TimeSpan.Zero));
        foreach (var inferencer in inferencers)
        {
            inferencer.Hold();
        }

        var requests = Enumerable.Range(0, 2).Select(seed => Classify(batcher, [TestImages.Pixels(seed)], [$"r{seed}"])).ToList();

        // Both inferencers are inside a call at once: the two requests run in parallel.
        Assert.True(await inferencers[0].Started.WaitAsync(Patience));
        Assert.True(await inferencers[1].Started.WaitAsync(Patience));
        foreach (var inferencer in inferencers)
        {
            inferencer.Release();
        }

        await Task.WhenAll(requests).WaitAsync(Patience);
        Assert.Equal(2, created);
    }

    [Fact]
    public async Task Stopping_answers_what_is_queued_then_disposes_the_pool_and_takes_no_more()
    {
        var inferencer = new FakeInferencer();
        var batcher = await Start(inferencer, options => (options.MaxBatchSize, options.MaxWait) = (1, TimeSpan.Zero));
        inferencer.Hold();
        var running = Classify(batcher, [TestImages.Pixels(0)], ["running"]);
        Assert.True(await inferencer.Started.WaitAsync(Patience));
        var queued = Classify(batcher, [TestImages.Pixels(1)], ["queued"]);

        var stopping = batcher.Value.StopAsync(CancellationToken.None);
        Assert.Null(batcher.Value.TryTakeSlot());
        inferencer.Release();
        await stopping.WaitAsync(Patience);

        Assert.Equal("running", Assert.Single(await running).Source);
        Assert.Equal("queued", Assert.Single(await queued).Source);
        Assert.True(inferencer.Disposed);
        Assert.False(batcher.Value.IsServing);
    }

    [Fact]
    public void Options_out_of_range_are_refused_by_name()
    {
        var model = ServingApp.Fake(new FakeInferencer());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationBatcher(model, new ServingOptions { QueueCapacity = 0 }));

        Assert.Equal("QueueCapacity", error.ParamName);
    }

    private static Task<IReadOnlyList<ImageClassifier.Engine.Inference.InferenceResult>> Classify(RunningBatcher batcher, IReadOnlyList<ImageData> images, IReadOnlyList<string> sources, int topk = 1)
    {
        var slot = batcher.Value.TryTakeSlot() ?? throw new InvalidOperationException("The queue is full.");
        return slot.ClassifyAsync(images, sources, topk);
    }

    private static Task<RunningBatcher> Start(FakeInferencer inferencer, Action<ServingOptions> configure) =>
        Start(ServingApp.Fake(inferencer), configure);

    private static async Task<RunningBatcher> Start(ServedModel model, Action<ServingOptions> configure)
    {
        var options = new ServingOptions();
        configure(options);
        var batcher = new ClassificationBatcher(model, options);
        await batcher.StartAsync(CancellationToken.None);
        return new RunningBatcher(batcher);
    }

    /// <summary>A started batcher, stopped at the end of the test.</summary>
    private sealed class RunningBatcher(ClassificationBatcher value) : IAsyncDisposable
    {
        public ClassificationBatcher Value { get; } = value;

        public async ValueTask DisposeAsync()
        {
            if (Value.IsServing)
            {
                await Value.StopAsync(CancellationToken.None);
            }

            Value.Dispose();
        }
    }
}
