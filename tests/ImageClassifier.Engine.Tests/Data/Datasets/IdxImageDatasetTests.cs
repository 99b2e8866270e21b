using System.Buffers.Binary;
using ImageClassifier.Data;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Datasets;

public sealed class IdxImageDatasetTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mnist_reads_both_splits_compressed_or_plain(bool gzip)
    {
        var (pixels, labels) = Fixtures.WriteIdxSplit(folder.Path, "train", 12, side: 6, gzip: gzip);
        Fixtures.WriteIdxSplit(folder.Path, "t10k", 5, side: 6, gzip: gzip);

        var train = new Mnist(folder.Path, DatasetSplit.Train);
        var test = new Mnist(folder.Path, DatasetSplit.Test);

        Assert.Equal(12, train.Count);
        Assert.Equal(5, test.Count);
        Assert.Equal(Mnist.Categories, train.Classes);
        var sample = train.Get(7);
        Assert.Equal((1, 6, 6), (sample.Image.Channels, sample.Image.Height, sample.Image.Width));
        Assert.Equal(pixels.AsSpan(7 * 36, 36).ToArray(), sample.Image.Pixels);
        Assert.Equal(labels[7], sample.Label);
        Assert.EndsWith("#7", sample.Source);
    }

    [Fact]
    public void FashionMnist_has_the_ten_clothing_classes()
    {
        Fixtures.WriteMnist(folder.Path, train: 4, test: 4);

        var dataset = new FashionMnist(folder.Path, DatasetSplit.Test);

        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], dataset.Classes);
        Assert.Equal(4, dataset.Count);
    }

    [Fact]
    public void A_missing_file_names_what_is_looked_for_and_where()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new FashionMnist(folder.Path));

        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains(folder.Path, error.Message);
    }

    [Fact]
    public void A_truncated_image_file_is_reported_with_the_file_and_offset()
    {
        Fixtures.WriteIdxSplit(folder.Path, "train", 10, side: 4, gzip: false);
        var images = folder.Combine("train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length - 20)]);

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Equal(images, error.Path);
        Assert.Equal(bytes.Length - 20, error.Offset);
        Assert.Contains($"'{images}' at byte {bytes.Length - 20}", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported()
    {
        var path = Fixtures.WriteFile(folder.Combine("train-images-idx3-ubyte"), IdxFile.Encode(new byte[10 * 16], 10, 4, 4), gzip: true);
        Fixtures.WriteFile(folder.Combine("train-labels-idx1-ubyte"), IdxFile.Encode(new byte[10], 10), gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Equal(path, error.Path);
        Assert.NotNull(error.Offset);
    }

    [Fact]
    public void A_bad_magic_number_is_reported_at_byte_0()
    {
        Fixtures.WriteIdxSplit(folder.Path, "train", 3, gzip: false);
        var images = folder.Combine("train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        bytes[0] = 0x1F;
        File.WriteAllBytes(images, bytes);

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Equal(0, error.Offset);
        Assert.Contains("IDX", error.Message);
    }

    [Fact]
    public void An_unsupported_data_type_is_reported_at_byte_2()
    {
        Fixtures.WriteIdxSplit(folder.Path, "train", 3, gzip: false);
        var images = folder.Combine("train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        bytes[2] = 0x0D;
        File.WriteAllBytes(images, bytes);

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Equal(2, error.Offset);
        Assert.Contains("0x0D", error.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_reported_at_its_byte()
    {
        Fixtures.WriteIdxSplit(folder.Path, "train", 6, gzip: false);
        var labels = folder.Combine("train-labels-idx1-ubyte");
        var bytes = File.ReadAllBytes(labels);
        bytes[8 + 4] = 42;
        File.WriteAllBytes(labels, bytes);

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Equal(labels, error.Path);
        Assert.Equal(12, error.Offset);
        Assert.Contains("label 42 of record 4", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        Fixtures.WriteIdxSplit(folder.Path, "train", 6, gzip: false);
        var labels = folder.Combine("train-labels-idx1-ubyte");
        File.WriteAllBytes(labels, IdxFile.Encode(new byte[5], 5));

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Contains("5 labels", error.Message);
        Assert.Contains("6 images", error.Message);
    }

    [Fact]
    public void Bytes_after_the_declared_data_are_refused()
    {
        Fixtures.WriteIdxSplit(folder.Path, "train", 2, side: 4, gzip: false);
        var labels = folder.Combine("train-labels-idx1-ubyte");
        File.WriteAllBytes(labels, [.. File.ReadAllBytes(labels), 1, 2, 3]);

        var error = Assert.Throws<DataFormatException>(() => new Mnist(folder.Path));

        Assert.Equal(10, error.Offset);
        Assert.Contains("3 more bytes", error.Message);
    }

    [Fact]
    public void The_idx_encoder_writes_big_endian_dimensions()
    {
        var bytes = IdxFile.Encode(new byte[6], 2, 3);

        Assert.Equal([0, 0, 8, 2], bytes[..4]);
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
    }
}
