using ImageClassifier.Data;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Datasets;

public sealed class CifarDatasetTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Cifar10_reads_the_five_training_batches_in_order()
    {
        var batches = folder.Combine("cifar-10-batches-bin");
        Directory.CreateDirectory(batches);
        for (var batch = 1; batch <= 5; batch++)
        {
            File.WriteAllBytes(Path.Combine(batches, $"data_batch_{batch}.bin"), Fixtures.CifarRecords([[(byte)batch], [(byte)(batch + 1)]]));
        }

        var dataset = new Cifar10(folder.Path, DatasetSplit.Train);

        Assert.Equal(10, dataset.Count);
        Assert.Equal("airplane", dataset.Classes[0]);
        Assert.Equal([1, 2, 2, 3, 3, 4, 4, 5, 5, 6], Enumerable.Range(0, 10).Select(i => dataset.Get(i).Label));
        var sample = dataset.Get(3);
        Assert.Equal((3, 32, 32), (sample.Image.Channels, sample.Image.Height, sample.Image.Width));
        Assert.All(sample.Image.Pixels, value => Assert.Equal(1, value));
    }

    [Fact]
    public void Cifar10_test_split_reads_test_batch_from_data_root_or_gz()
    {
        Fixtures.WriteFile(folder.Combine("test_batch.bin"), Fixtures.CifarRecords([[9], [0], [4]]), gzip: true);

        var dataset = new Cifar10(folder.Path, DatasetSplit.Test);

        Assert.Equal([9, 0, 4], Enumerable.Range(0, 3).Select(i => dataset.Get(i).Label));
    }

    [Fact]
    public void Cifar100_uses_the_fine_label()
    {
        File.WriteAllBytes(folder.Combine("train.bin"), Fixtures.CifarRecords([[3, 99], [19, 7]]));

        var dataset = new Cifar100(folder.Path);

        Assert.Equal(100, dataset.Classes.Count);
        Assert.Equal(99, dataset.Get(0).Label);
        Assert.Equal("worm", dataset.Classes[99]);
        Assert.Equal(7, dataset.Get(1).Label);
    }

    [Fact]
    public void A_truncated_batch_is_reported_at_the_record_it_cuts()
    {
        var bytes = Fixtures.CifarRecords([[1], [2], [3]]);
        var path = folder.Combine("test_batch.bin");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var error = Assert.Throws<DataFormatException>(() => new Cifar10(folder.Path, DatasetSplit.Test));

        Assert.Equal(path, error.Path);
        Assert.Equal(2 * 3073, error.Offset);
        Assert.Contains("record 2", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_label_out_of_range_is_reported_at_its_byte()
    {
        var path = folder.Combine("test_batch.bin");
        File.WriteAllBytes(path, Fixtures.CifarRecords([[1], [10]]));

        var error = Assert.Throws<DataFormatException>(() => new Cifar10(folder.Path, DatasetSplit.Test));

        Assert.Equal(3073, error.Offset);
        Assert.Contains("record 1 is 10", error.Message);
    }
}
