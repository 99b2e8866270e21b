using ImageClassifier.Data.Datasets;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Datasets;

public sealed class ImageNetTests : IDisposable
{
    private readonly TempFolder folder = new();

    public ImageNetTests()
    {
        Fixtures.WritePng(folder.Combine("train", "n01440764", "a.png"), 3, 2, 2, 10);
        Fixtures.WritePng(folder.Combine("train", "n01443537", "b.png"), 3, 2, 2, 20);
        Fixtures.WritePng(folder.Combine("val", "ILSVRC2012_val_00000001.png"), 3, 2, 2, 30);
        Fixtures.WritePng(folder.Combine("val", "ILSVRC2012_val_00000002.png"), 3, 2, 2, 40);
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_training_split_is_found_in_its_class_folders()
    {
        var train = new ImageNet(folder.Path, split: "train");

        Assert.Equal(["n01440764", "n01443537"], train.Classes);
        Assert.Equal([0, 1], train.Samples.Select(sample => sample.Label));
    }

    [Fact]
    public void The_split_list_in_meta_is_used_when_it_exists()
    {
        Directory.CreateDirectory(folder.Combine("meta"));
        File.WriteAllText(folder.Combine("meta", "val.txt"), "ILSVRC2012_val_00000001.png 1\nILSVRC2012_val_00000002.png 0\n");

        var val = new ImageNet(folder.Path, split: "val");

        Assert.Equal([(folder.Combine("val", "ILSVRC2012_val_00000001.png"), 1), (folder.Combine("val", "ILSVRC2012_val_00000002.png"), 0)], val.Samples);
    }

    [Fact]
    public void Data_prefix_and_ann_file_override_the_split_defaults()
    {
        File.WriteAllText(folder.Combine("mine.txt"), "n01443537/b.png 0\n");

        var custom = new ImageNet(folder.Path, split: "val", dataPrefix: "train", annFile: "mine.txt");

        Assert.Equal([(folder.Combine("train", "n01443537", "b.png"), 0)], custom.Samples);
    }

    [Fact]
    public void An_unknown_split_is_refused()
    {
        var error = Assert.Throws<ConfigValueException>(() => new ImageNet(folder.Path, split: "validation"));

        Assert.Equal("split", error.Member);
    }
}
