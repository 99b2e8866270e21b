using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

public sealed class TransformTests
{
    private static DataSample Sample(int channels, int height, int width)
    {
        var pixels = new byte[channels * height * width];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i % 251);
        }

        return new DataSample(new ImageData(pixels, channels, height, width), 3, "test");
    }

    public static TheoryData<Transform> RandomTransforms() =>
    [
        new RandomCrop(cropSize: 8, padding: 2),
        new RandomFlip(prob: 0.5),
        new RandomResizedCrop(scale: 6),
    ];

    [Theory]
    [MemberData(nameof(RandomTransforms))]
    public void The_same_seed_gives_the_same_output(Transform transform)
    {
        var sample = Sample(3, 10, 10);

        var first = Enumerable.Range(0, 20).Select(seed => transform.Apply(sample, new Random(seed)).Image.Pixels).ToList();
        var second = Enumerable.Range(0, 20).Select(seed => transform.Apply(sample, new Random(seed)).Image.Pixels).ToList();

        Assert.Equal(first, second);
        Assert.True(first.Distinct(new BytesComparer()).Count() > 1, "different seeds should give different outputs");
        Assert.Equal(3, sample.Label);
    }

    [Fact]
    public void RandomCrop_pads_then_cuts_the_crop_size()
    {
        var sample = Sample(1, 6, 6);

        var cropped = new RandomCrop(cropSize: 6, padding: 2).Apply(sample, new Random(1));

        Assert.Equal((1, 6, 6), (cropped.Image.Channels, cropped.Image.Height, cropped.Image.Width));
        Assert.Equal(sample.Label, cropped.Label);
    }

    [Fact]
    public void RandomCrop_without_room_names_the_sample()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RandomCrop(cropSize: 8).Apply(Sample(1, 6, 6), new Random(1)));

        Assert.Contains("pad_if_needed", error.Message);
        Assert.Equal((1, 8, 8), ShapeOf(new RandomCrop(cropSize: 8, padIfNeeded: true).Apply(Sample(1, 6, 6), new Random(1))));
    }

    [Fact]
    public void RandomFlip_probability_one_always_flips_and_zero_never()
    {
        var sample = new DataSample(new ImageData([1, 2, 3], 1, 1, 3), 0, "row");

        Assert.Equal([3, 2, 1], new RandomFlip(prob: 1).Apply(sample, new Random(4)).Image.Pixels);
        Assert.Equal([1, 2, 3], new RandomFlip(prob: 0).Apply(sample, new Random(4)).Image.Pixels);
    }

    [Fact]
    public void RandomResizedCrop_always_gives_the_scale()
    {
        var transform = new RandomResizedCrop(scale: 5);

        for (var seed = 0; seed < 30; seed++)
        {
            Assert.Equal((3, 5, 5), ShapeOf(transform.Apply(Sample(3, 12, 9), new Random(seed))));
        }
    }

    [Fact]
    public void Resize_to_scale_or_by_factor_or_keeping_the_ratio()
    {
        Assert.Equal((1, 3, 7), ShapeOf(new Resize(scale: [7, 3]).Apply(Sample(1, 10, 20), new Random(0))));
        Assert.Equal((1, 5, 10), ShapeOf(new Resize(scaleFactor: 0.5).Apply(Sample(1, 10, 20), new Random(0))));
        Assert.Equal((1, 8, 16), ShapeOf(new Resize(scale: [16, 16], keepRatio: true).Apply(Sample(1, 10, 20), new Random(0))));
    }

    [Theory]
    // (edge, height, width) -> (height, width); the free side is truncated, as mmpretrain's int() does.
    [InlineData(ResizeEdgeKind.Short, 300, 400, 256, 341)]
    [InlineData(ResizeEdgeKind.Short, 400, 300, 341, 256)]
    [InlineData(ResizeEdgeKind.Short, 256, 256, 256, 256)]
    [InlineData(ResizeEdgeKind.Long, 300, 400, 192, 256)]
    [InlineData(ResizeEdgeKind.Long, 400, 300, 256, 192)]
    [InlineData(ResizeEdgeKind.Width, 400, 300, 341, 256)]
    [InlineData(ResizeEdgeKind.Height, 300, 400, 256, 341)]
    [InlineData(ResizeEdgeKind.Short, 1, 1000, 256, 256000)]
    [InlineData(ResizeEdgeKind.Long, 1, 1000, 1, 256)]
    public void ResizeEdge_sets_one_side_and_keeps_the_ratio(ResizeEdgeKind edge, int height, int width, int expectedHeight, int expectedWidth)
    {
        Assert.Equal((expectedHeight, expectedWidth), new ResizeEdge(256, edge).TargetSize(height, width));
    }

    [Fact]
    public void ResizeEdge_resizes_the_image()
    {
        Assert.Equal((3, 8, 16), ShapeOf(new ResizeEdge(8).Apply(Sample(3, 10, 20), new Random(0))));
        Assert.Equal("scale", Assert.Throws<ConfigValueException>(() => new ResizeEdge(0)).Member);
    }

    [Fact]
    public void Resize_needs_exactly_one_of_scale_and_scale_factor()
    {
        var error = Assert.Throws<ConfigValueException>(() => new Resize());

        Assert.Equal("scale", error.Member);
    }

    [Fact]
    public void CenterCrop_keeps_the_middle()
    {
        var sample = new DataSample(new ImageData([.. Enumerable.Range(0, 16).Select(value => (byte)value)], 1, 4, 4), 0, "grid");

        var cropped = new CenterCrop(cropSize: 2).Apply(sample, new Random(0));

        Assert.Equal([5, 6, 9, 10], cropped.Image.Pixels);
    }

    [Fact]
    public void Markers_change_nothing()
    {
        var sample = Sample(1, 3, 3);

        Assert.Same(sample, new PackInputs().Apply(sample, new Random(0)));
        Assert.Same(sample, new LoadImageFromFile().Apply(sample, new Random(0)));
    }

    [Fact]
    public void Constructors_refuse_bad_values_naming_the_member()
    {
        Assert.Equal("crop_size", Assert.Throws<ConfigValueException>(() => new RandomCrop(cropSize: 0)).Member);
        Assert.Equal("prob", Assert.Throws<ConfigValueException>(() => new RandomFlip(prob: 1.5)).Member);
        Assert.Equal("crop_ratio_range", Assert.Throws<ConfigValueException>(() => new RandomResizedCrop(scale: 4, cropRatioRange: [0.9, 0.1])).Member);
    }

    private static (int, int, int) ShapeOf(DataSample sample) => (sample.Image.Channels, sample.Image.Height, sample.Image.Width);

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj.Length, obj[0], obj[^1], obj[obj.Length / 2]);
    }
}
