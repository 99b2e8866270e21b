using ImageClassifier.Data;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Datasets;

public sealed class CustomDatasetTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Class_folders_become_labels_in_ordinal_order()
    {
        Fixtures.WritePng(folder.Combine("dog", "b.png"), 3, 5, 7, 100);
        Fixtures.WritePng(folder.Combine("cat", "a.png"), 3, 5, 7, 10);
        Fixtures.WritePng(folder.Combine("cat", "nested", "c.png"), 1, 5, 7, 20);
        File.WriteAllText(folder.Combine("cat", "notes.txt"), "not an image");

        var dataset = new CustomDataset(folder.Path);

        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal(3, dataset.Count);
        Assert.Equal([0, 0, 1], dataset.Samples.Select(sample => sample.Label));
        var first = dataset.Get(0);
        Assert.Equal((3, 5, 7), (first.Image.Channels, first.Image.Height, first.Image.Width));
        Assert.All(first.Image.Pixels, value => Assert.Equal(10, value));
        var grayscaleFile = dataset.Get(1);
        Assert.Equal(3, grayscaleFile.Image.Channels);
        Assert.All(grayscaleFile.Image.Pixels, value => Assert.Equal(20, value));
    }

    [Fact]
    public void Grayscale_color_type_gives_one_channel()
    {
        Fixtures.WritePng(folder.Combine("a", "x.png"), 3, 4, 4, 50);

        var dataset = new CustomDataset(folder.Path, colorType: ColorType.Grayscale);

        var sample = dataset.Get(0);
        Assert.Equal(1, sample.Image.Channels);
        Assert.All(sample.Image.Pixels, value => Assert.Equal(50, value));
    }

    [Fact]
    public void The_pipelines_LoadImageFromFile_color_type_wins_over_the_datasets()
    {
        Fixtures.WritePng(folder.Combine("a", "x.png"), 3, 4, 4, 50);

        var fromStep = new CustomDataset(folder.Path, colorType: ColorType.Color, pipeline: [new LoadImageFromFile(colorType: ColorType.Grayscale)]);
        var unset = new CustomDataset(folder.Path, colorType: ColorType.Grayscale, pipeline: [new LoadImageFromFile()]);

        Assert.Equal(1, fromStep.Get(0).Image.Channels);
        Assert.Equal(1, unset.Get(0).Image.Channels);
    }

    [Fact]
    public void Listed_classes_pick_folders_and_their_order()
    {
        Fixtures.WritePng(folder.Combine("a", "x.png"), 1, 4, 4, 1);
        Fixtures.WritePng(folder.Combine("b", "x.png"), 1, 4, 4, 2);
        Fixtures.WritePng(folder.Combine("c", "x.png"), 1, 4, 4, 3);

        var dataset = new CustomDataset(folder.Path, classes: ["c", "a"]);

        Assert.Equal(["c", "a"], dataset.Classes);
        Assert.Equal(3, dataset.Get(0).Image.Pixels[0]);
        Assert.Equal(2, dataset.Count);
    }

    [Fact]
    public void An_unreadable_image_fails_naming_its_path()
    {
        Fixtures.WritePng(folder.Combine("a", "good.png"), 1, 4, 4, 1);
        var bad = folder.Combine("a", "bad.png");
        File.WriteAllBytes(bad, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

        var error = Assert.Throws<DataFormatException>(() => new CustomDataset(folder.Path));

        Assert.Equal(bad, error.Path);
        Assert.Contains(bad, error.Message);
        Assert.Contains("on_bad_image", error.Message);
    }

    [Fact]
    public void An_unreadable_image_is_skipped_with_a_warning_when_asked()
    {
        Fixtures.WritePng(folder.Combine("a", "good.png"), 1, 4, 4, 1);
        var bad = folder.Combine("a", "bad.png");
        File.WriteAllBytes(bad, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

        var dataset = new CustomDataset(folder.Path, onBadImage: BadImagePolicy.Skip);

        Assert.Equal(1, dataset.Count);
        Assert.Contains(dataset.Warnings, warning => warning.Contains(bad, StringComparison.Ordinal));
    }

    [Fact]
    public void A_truncated_image_fails_at_decoding_or_is_replaced_when_skipping()
    {
        Fixtures.WritePng(folder.Combine("a", "1.png"), 3, 32, 32, 7);
        var truncated = folder.Combine("a", "0.png");
        var noise = new byte[3 * 32 * 32];
        new Random(3).NextBytes(noise);
        ImageCodec.WritePng(new ImageData(noise, 3, 32, 32), truncated);
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);

        var strict = new CustomDataset(folder.Path);
        var error = Assert.Throws<DataFormatException>(() => strict.Get(0));
        Assert.Equal(truncated, error.Path);

        var lenient = new CustomDataset(folder.Path, onBadImage: BadImagePolicy.Skip);
        var sample = lenient.Get(0);
        Assert.Equal(folder.Combine("a", "1.png"), sample.Source);
        Assert.Contains(lenient.Warnings, warning => warning.Contains(truncated, StringComparison.Ordinal));
    }

    [Fact]
    public void An_ann_file_lists_the_images_and_their_labels_under_the_prefix()
    {
        Fixtures.WritePng(folder.Combine("images", "b c.png"), 3, 2, 2, 30);
        Fixtures.WritePng(folder.Combine("images", "a.png"), 3, 2, 2, 10);
        File.WriteAllText(folder.Combine("list.txt"), "b c.png 2\n\na.png\t0\n");

        var numbered = new CustomDataset(folder.Path, dataPrefix: "images", annFile: "list.txt");
        var named = new CustomDataset(folder.Path, dataPrefix: "images", annFile: "list.txt", classes: ["x", "y", "z"]);

        Assert.Equal(["0", "1", "2"], numbered.Classes);
        Assert.Equal(["x", "y", "z"], named.Classes);
        Assert.Equal([(folder.Combine("images", "b c.png"), 2), (folder.Combine("images", "a.png"), 0)], numbered.Samples);
        Assert.All(numbered.Get(0).Image.Pixels, value => Assert.Equal(30, value));
    }

    [Theory]
    [InlineData("a.png\n", "line 1: expected an image path and a label (a whole number from 0), separated by a space, but found 'a.png'")]
    [InlineData("a.png 0\na.png -1\n", "line 2: expected an image path and a label (a whole number from 0), separated by a space, but found 'a.png -1'")]
    [InlineData("\n\n", "lists no images: expected one \"path label\" line per image")]
    public void A_malformed_ann_file_is_an_error_naming_the_file_and_line(string text, string problem)
    {
        Fixtures.WritePng(folder.Combine("a.png"), 3, 2, 2, 10);
        var list = folder.Combine("list.txt");
        File.WriteAllText(list, text);

        var error = Assert.Throws<DataFormatException>(() => new CustomDataset(folder.Path, annFile: "list.txt"));

        Assert.Equal(list, error.Path);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void Labels_beyond_the_listed_classes_are_refused_at_classes()
    {
        Fixtures.WritePng(folder.Combine("a.png"), 3, 2, 2, 10);
        File.WriteAllText(folder.Combine("list.txt"), "a.png 3\n");

        var error = Assert.Throws<ConfigValueException>(() => new CustomDataset(folder.Path, annFile: "list.txt", classes: ["x", "y"]));

        Assert.Equal("classes", error.Member);
        Assert.Contains("a name for each of the 4 labels 'list.txt' uses (0 to 3)", error.Message, StringComparison.Ordinal);
    }
}
