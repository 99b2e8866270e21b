using System.Collections.Concurrent;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Loading;
using ImageClassifier.Data.Samplers;
using ImageClassifier.Data.Transforms;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Data.Loading;

public sealed class DataLoaderTests
{
    [Fact]
    public void Batches_follow_the_sampler_in_order()
    {
        var loader = new DataLoader(new CountingDataset(10), batchSize: 4);

        var batches = loader.Epoch(0).Select(Take).ToList();

        Assert.Equal(3, loader.Count);
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], batches.Select(batch => batch.Indices));
        Assert.Equal([0, 1, 2], batches.Select(batch => batch.Number));
    }

    [Fact]
    public void Shards_split_every_epoch_into_equal_disjoint_parts_that_cover_the_dataset()
    {
        var sampler = new DefaultSampler(shuffle: true);
        var whole = new DataLoader(new CountingDataset(10), batchSize: 2, sampler, seed: 3);
        var shards = Enumerable.Range(0, 3)
            .Select(rank => new DataLoader(new CountingDataset(10), batchSize: 2, sampler, seed: 3) { Shard = new DataShard(rank, 3) })
            .ToList();

        var order = whole.Epoch(1).SelectMany(batch => Take(batch).Indices).ToList();
        var parts = shards.Select(loader => loader.Epoch(1).SelectMany(batch => Take(batch).Indices).ToList()).ToList();

        // 10 samples over 3 processes: 4 each, the last two padded with the epoch's first samples.
        Assert.All(parts, part => Assert.Equal(4, part.Count));
        Assert.All(shards, loader => Assert.Equal(2, loader.Count));
        var padded = order.Concat(order.Take(2)).ToList();
        for (var rank = 0; rank < 3; rank++)
        {
            Assert.Equal(padded.Where((_, index) => index % 3 == rank), parts[rank]);
        }

        Assert.Equal(Enumerable.Range(0, 10), parts.SelectMany(part => part).Distinct().Order());
        Assert.NotEqual(order, whole.Epoch(2).SelectMany(batch => Take(batch).Indices).ToList());
    }

    [Fact]
    public void A_rank_outside_the_world_is_refused()
    {
        var loader = new DataLoader(new CountingDataset(4), batchSize: 2) { Shard = new DataShard(2, 2) };

        Assert.Throws<InvalidOperationException>(() => loader.Epoch(0).ToList());
    }

    [Fact]
    public void Batches_are_uint8_images_and_int64_labels()
    {
        var loader = new DataLoader(new CountingDataset(5, channels: 3, side: 2), batchSize: 5);

        using var batch = loader.Epoch(0).Single();

        Assert.Equal(ScalarType.Byte, batch.Inputs.dtype);
        Assert.Equal([5L, 3, 2, 2], batch.Inputs.shape);
        Assert.Equal(ScalarType.Int64, batch.Targets.dtype);
        Assert.Equal([0L, 1, 2, 0, 1], batch.Targets.data<long>().ToArray());
        Assert.Equal(4, batch.Inputs[4, 2, 1, 1].item<byte>());
    }

    [Fact]
    public void Drop_last_leaves_out_a_short_batch()
    {
        var loader = new DataLoader(new CountingDataset(10), batchSize: 4, dropLast: true);

        Assert.Equal(2, loader.Count);
        Assert.Equal(2, loader.Epoch(0).Select(Take).Count());
    }

    [Fact]
    public void Shuffling_is_a_seeded_permutation_per_epoch()
    {
        var sampler = new DefaultSampler(shuffle: true);
        var loader = new DataLoader(new CountingDataset(20), batchSize: 20, sampler, seed: 7);

        var epoch0 = loader.Epoch(0).Select(Take).Single().Indices;
        var again = new DataLoader(new CountingDataset(20), batchSize: 20, sampler, seed: 7).Epoch(0).Select(Take).Single().Indices;
        var epoch1 = loader.Epoch(1).Select(Take).Single().Indices;

        Assert.Equal(epoch0, again);
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(Enumerable.Range(0, 20), epoch0.Order());
        Assert.NotEqual(Enumerable.Range(0, 20), epoch0);
    }

    [Fact]
    public void Sample_transforms_are_seeded_by_seed_epoch_and_index()
    {
        var dataset = new CountingDataset(8, side: 6, pipeline: [new RandomCrop(cropSize: 6, padding: 3)]);

        // Every sample's pixels, in dataset order, whatever the batches were.
        byte[] Pixels(int seed, int epoch, int batchSize)
        {
            var bySample = new SortedDictionary<int, byte[]>();
            foreach (var batch in new DataLoader(dataset, batchSize, new DefaultSampler(shuffle: true), seed: seed).Epoch(epoch))
            {
                using (batch)
                {
                    for (var i = 0; i < batch.Size; i++)
                    {
                        bySample[batch.Indices[i]] = batch.Inputs[i].data<byte>().ToArray();
                    }
                }
            }

            return [.. bySample.Values.SelectMany(pixels => pixels)];
        }

        Assert.Equal(Pixels(1, 0, 4), Pixels(1, 0, 4));
        Assert.Equal(Pixels(1, 0, 4), Pixels(1, 0, 3));
        Assert.NotEqual(Pixels(1, 0, 4), Pixels(1, 1, 4));
        Assert.NotEqual(Pixels(1, 0, 4), Pixels(2, 0, 4));
    }

    [Fact]
    public void Skipped_batches_are_not_read()
    {
        var dataset = new CountingDataset(10);
        var loader = new DataLoader(dataset, batchSize: 3);

        var batches = loader.Epoch(0, skipBatches: 2).Select(Take).ToList();

        Assert.Equal([[6, 7, 8], [9]], batches.Select(batch => batch.Indices));
        Assert.Equal([6, 7, 8, 9], dataset.Loaded.Order());
    }

    [Fact]
    public void The_next_batches_are_prepared_on_another_thread_while_the_caller_works()
    {
        var dataset = new CountingDataset(40);
        var loader = new DataLoader(dataset, batchSize: 4, prefetchBatches: 2);

        using var enumerator = loader.Epoch(0).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        enumerator.Current.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (dataset.Loaded.Count < 12 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        // One batch taken, two waiting in the queue, one more at most being prepared: bounded.
        Assert.InRange(dataset.Loaded.Count, 12, 16);
        Thread.Sleep(100);
        Assert.InRange(dataset.Loaded.Count, 12, 16);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, dataset.Threads);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Stopping_early_stops_every_worker(int workers)
    {
        var dataset = new CountingDataset(400);
        var loader = new DataLoader(dataset, batchSize: 4, prefetchBatches: 1) { Workers = workers };

        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            break;
        }

        // Each worker holds at most one batch and one more waiting, besides the one taken.
        var loaded = dataset.Loaded.Count;
        Thread.Sleep(100);
        Assert.Equal(loaded, dataset.Loaded.Count);
        Assert.InRange(loaded, 4, 4 * (1 + (2 * workers)));
    }

    [Fact]
    public void Pin_memory_gives_the_same_batches_made_on_the_background_thread()
    {
        var plain = new DataLoader(new CountingDataset(10, channels: 3), batchSize: 4, sampler: new DefaultSampler(shuffle: true), seed: 5);
        var pinning = new DataLoader(new CountingDataset(10, channels: 3), batchSize: 4, sampler: new DefaultSampler(shuffle: true), seed: 5, pinMemory: true);

        var expected = plain.Epoch(1).Select(Contents).ToList();
        var actual = pinning.Epoch(1).Select(Contents).ToList();

        Assert.True(pinning.PinMemory);
        Assert.Equal(expected.Select(batch => batch.Pixels), actual.Select(batch => batch.Pixels));
        Assert.Equal(expected.Select(batch => batch.Labels), actual.Select(batch => batch.Labels));

        // Page-locked memory needs CUDA; without it the batches are ordinary CPU tensors.
        Assert.All(actual, batch => Assert.Equal(cuda.is_available(), batch.Pinned));

        // Stopping early releases the batches made ahead and stops the thread.
        foreach (var batch in new DataLoader(new CountingDataset(400), batchSize: 4, prefetchBatches: 2, pinMemory: true).Epoch(0))
        {
            batch.Dispose();
            break;
        }

        static (byte[] Pixels, long[] Labels, bool Pinned) Contents(Batch batch)
        {
            using (batch)
            {
                return (batch.Inputs.data<byte>().ToArray(), batch.Targets.data<long>().ToArray(), batch.Inputs.is_pinned());
            }
        }
    }

    [Fact]
    public void A_failure_while_preparing_reaches_the_caller()
    {
        var loader = new DataLoader(new CountingDataset(10, failAt: 5), batchSize: 2);

        var error = Assert.Throws<InvalidDataException>(() => loader.Epoch(0).Select(Take).ToList());

        Assert.Contains("sample 5", error.Message);
    }

    [Fact]
    public void Several_workers_give_the_batches_of_one_in_the_same_order()
    {
        var dataset = new CountingDataset(50, side: 6, pipeline: [new RandomCrop(cropSize: 6, padding: 3)]);
        List<(byte[] Pixels, int[] Indices)> Batches(int workers) =>
            [.. new DataLoader(dataset, batchSize: 3, new DefaultSampler(shuffle: true), seed: 4) { Workers = workers }.Epoch(2, skipBatches: 1).Select(batch =>
            {
                using (batch)
                {
                    return (batch.Inputs.data<byte>().ToArray(), batch.Indices.ToArray());
                }
            })];

        var one = Batches(1);
        var three = Batches(3);

        Assert.Equal(16, three.Count);
        Assert.Equal(one.Select(batch => batch.Indices), three.Select(batch => batch.Indices));
        Assert.Equal(one.Select(batch => batch.Pixels), three.Select(batch => batch.Pixels));
    }

    [Fact]
    public void With_several_workers_a_failure_comes_after_every_batch_before_it()
    {
        var loader = new DataLoader(new CountingDataset(40, failAt: 9), batchSize: 2) { Workers = 3 };
        var taken = new List<int>();

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var batch in loader.Epoch(0))
            {
                taken.Add(Take(batch).Number);
            }
        });

        Assert.Contains("sample 9", error.Message);
        Assert.Equal([0, 1, 2, 3], taken);
    }

    [Fact]
    public void A_loader_without_workers_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(new CountingDataset(4), batchSize: 4) { Workers = 0 });

    [Fact]
    public void Samples_of_different_shapes_in_one_batch_are_refused_with_a_hint()
    {
        var loader = new DataLoader(new CountingDataset(4, varySize: true), batchSize: 4);

        var error = Assert.Throws<InvalidOperationException>(() => loader.Epoch(0).Select(Take).ToList());

        Assert.Contains("Resize", error.Message);
        Assert.Contains("sample-0", error.Message);
    }

    private static (int[] Indices, int Number) Take(Batch batch)
    {
        using (batch)
        {
            Assert.Equal(batch.Indices.Select(index => (long)(index % 3)), batch.Targets.data<long>().ToArray());
            return ([.. batch.Indices], batch.Number);
        }
    }

    /// <summary>Sample i is filled with the value i (mod 256) and labelled i mod 3; records which samples were loaded and on which threads.</summary>
    private sealed class CountingDataset(int count, int channels = 1, int side = 2, Transform[]? pipeline = null, int failAt = -1, bool varySize = false)
        : Dataset(pipeline)
    {
        public ConcurrentQueue<int> Loaded { get; } = new();

        public ConcurrentBag<int> Threads { get; } = [];

        public override int Count => count;

        public override IReadOnlyList<string> Classes => ["a", "b", "c"];

        protected override DataSample Load(int index)
        {
            Loaded.Enqueue(index);
            Threads.Add(Environment.CurrentManagedThreadId);
            if (index == failAt)
            {
                throw new InvalidDataException($"sample {index} is broken");
            }

            var size = varySize ? side + index : side;
            var pixels = new byte[channels * size * size];
            Array.Fill(pixels, (byte)index);
            return new DataSample(new ImageData(pixels, channels, size, size), index % 3, $"sample-{index}");
        }
    }
}
