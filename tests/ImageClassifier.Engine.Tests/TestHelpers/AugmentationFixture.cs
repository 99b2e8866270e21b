using System.Text.Json;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Fixtures/Augmentation/expected.json (tools/fixtures/make_augmentation_fixtures.py): small
/// images, and what torchvision 0.14, Pillow, torch 1.13 or mmcv's formulas in numpy make of them.
/// </summary>
internal static class AugmentationFixture
{
    private static readonly Lazy<JsonElement> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.Folder("Augmentation"), "expected.json"))).RootElement);

    public static JsonElement Root => Document.Value;

    /// <summary>One of the fixture's images: "color" (3x9x11 BGR), "gray" (1x7x8) or "dull" (3x8x8, low contrast).</summary>
    public static ImageData Image(string name)
    {
        var image = Root.GetProperty("images").GetProperty(name);
        return new ImageData(
            Bytes(image.GetProperty("pixels")),
            image.GetProperty("channels").GetInt32(),
            image.GetProperty("height").GetInt32(),
            image.GetProperty("width").GetInt32());
    }

    /// <summary>The cases of the named operations, by index in the file, each with a readable name.</summary>
    public static TheoryData<int, string> Cases(params string[] ops)
    {
        var data = new TheoryData<int, string>();
        var index = 0;
        foreach (var entry in Root.GetProperty("cases").EnumerateArray())
        {
            var op = entry.GetProperty("op").GetString()!;
            if (ops.Contains(op))
            {
                data.Add(index, $"{op} {entry.GetProperty("image").GetString()} {entry.GetProperty("value").GetRawText()}");
            }

            index++;
        }

        return data;
    }

    public static JsonElement Case(int index) => Root.GetProperty("cases")[index];

    public static byte[] Bytes(JsonElement array) => [.. array.EnumerateArray().Select(item => (byte)item.GetInt32())];

    public static double[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetDouble())];

    /// <summary>Asserts equal bytes, saying how many differ and where the first is.</summary>
    public static void AssertSamePixels(byte[] expected, ImageData actual, string what)
    {
        Assert.Equal(expected.Length, actual.Pixels.Length);
        var differing = Enumerable.Range(0, expected.Length).Where(index => expected[index] != actual.Pixels[index]).ToList();
        Assert.True(
            differing.Count == 0,
            differing.Count == 0 ? string.Empty : $"{what}: {differing.Count} of {expected.Length} values differ; the first, at {differing[0]}, is {actual.Pixels[differing[0]]} instead of {expected[differing[0]]}.");
    }
}
