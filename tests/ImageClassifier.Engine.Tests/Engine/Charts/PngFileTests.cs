using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Charts;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

public sealed class PngFileTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Writes_a_png_in_new_folders_and_leaves_no_temporary_file()
    {
        using var bitmap = Checkers(7, 5);
        var path = folder.Combine("a", "b", "chart.png");

        PngFile.Write(bitmap, path);

        using var decoded = SKBitmap.Decode(path);
        Assert.Equal(7, decoded.Width);
        Assert.Equal(5, decoded.Height);
        Assert.Equal(SKColors.Red, decoded.GetPixel(0, 0));
        Assert.Equal(SKColors.Blue, decoded.GetPixel(1, 0));
        Assert.Equal([path], Directory.GetFiles(folder.Combine("a", "b")));
    }

    [Fact]
    public void Replaces_an_existing_file()
    {
        var path = folder.Combine("chart.png");
        File.WriteAllText(path, "not a png");
        using var bitmap = Checkers(3, 3);

        PngFile.Write(bitmap, path);

        using var codec = SKCodec.Create(path);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_an_error_naming_the_path()
    {
        var blocker = folder.Combine("a-file");
        File.WriteAllText(blocker, "in the way");
        var path = Path.Combine(blocker, "sub", "chart.png");
        using var bitmap = Checkers(3, 3);

        var written = Assert.Throws<IOException>(() => PngFile.Write(bitmap, path));
        var prepared = Assert.Throws<IOException>(() => PngFile.PrepareFolder(path));

        Assert.Equal($"Cannot write the PNG '{path}': '{blocker}' is a file, not a folder.", written.Message);
        Assert.Equal(written.Message, prepared.Message);
    }

    [Fact]
    public void A_path_that_is_a_folder_is_an_error_and_leaves_nothing_behind()
    {
        var path = folder.Combine("chart.png");
        Directory.CreateDirectory(path);
        using var bitmap = Checkers(3, 3);

        var error = Assert.Throws<IOException>(() => PngFile.Write(bitmap, path));

        Assert.Contains(path, error.Message);
        Assert.Equal([path], Directory.GetFileSystemEntries(folder.Path));
    }

    private static SKBitmap Checkers(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, (x + y) % 2 == 0 ? SKColors.Red : SKColors.Blue);
            }
        }

        return bitmap;
    }
}
