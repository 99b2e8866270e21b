using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Charts;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

public sealed class BitmapFontTests : IDisposable
{
    private static readonly string[] H = ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#", "....."];
    private static readonly string[] One = ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###.", "....."];
    private static readonly string[] L = ["#....", "#....", "#....", "#....", "#....", "#....", "#####", "....."];
    private static readonly string[] G = [".....", ".....", ".####", "#...#", "#...#", ".####", "....#", ".###."];

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Text_lights_the_designed_glyph_pixels_scaled_and_nothing_else()
    {
        const int scale = 3;
        using var bitmap = Blank(60, 40);
        using (var canvas = new SKCanvas(bitmap))
        {
            BitmapFont.Draw(canvas, "H1g", 7, 9, scale, SKColors.Black);
        }

        using var decoded = RoundTrip(bitmap);
        var expected = new bool[60, 40];
        foreach (var (pattern, glyph) in new[] { (H, 0), (One, 1), (G, 2) })
        {
            for (var row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                for (var column = 0; column < BitmapFont.GlyphWidth; column++)
                {
                    for (var dy = 0; dy < scale; dy++)
                    {
                        for (var dx = 0; dx < scale; dx++)
                        {
                            expected[7 + (((glyph * BitmapFont.Advance) + column) * scale) + dx, 9 + (row * scale) + dy] = pattern[row][column] == '#';
                        }
                    }
                }
            }
        }

        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 60; x++)
            {
                Assert.True(expected[x, y] == (decoded.GetPixel(x, y) == SKColors.Black), $"pixel ({x}, {y}) should be {(expected[x, y] ? "black" : "white")}");
            }
        }
    }

    [Fact]
    public void Upward_text_is_the_glyph_turned_a_quarter_left()
    {
        const int scale = 2;
        using var bitmap = Blank(40, 40);
        using (var canvas = new SKCanvas(bitmap))
        {
            BitmapFont.DrawUpward(canvas, "L", 10, 30, scale, SKColors.Black);
        }

        using var decoded = RoundTrip(bitmap);
        var lit = 0;
        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                // Screen (x, y) shows the glyph's row (x - 10) / scale and column (29 - y) / scale: the text reads upwards from y = 30, tops facing left.
                var row = (x - 10) / scale;
                var column = (29 - y) / scale;
                var inside = x >= 10 && y <= 29 && row < BitmapFont.GlyphHeight && column < BitmapFont.GlyphWidth;
                var expected = inside && L[row][column] == '#';
                Assert.True(expected == (decoded.GetPixel(x, y) == SKColors.Black), $"pixel ({x}, {y})");
                lit += expected ? 1 : 0;
            }
        }

        Assert.Equal(11 * scale * scale, lit);
    }

    [Fact]
    public void Anchors_place_the_text_by_its_middle_or_far_edge()
    {
        using var bitmap = Blank(80, 30);
        using (var canvas = new SKCanvas(bitmap))
        {
            BitmapFont.Draw(canvas, "-", 40, 15, 2, SKColors.Black, anchorX: 0.5f, anchorY: 0.5f);
        }

        // '-' lights row 3 only: at scale 2 a 10 x 2 bar, 8 pixels below the top of a 16-pixel line centred on the anchor.
        var lit = Lit(bitmap);
        Assert.Equal(20, lit.Count);
        Assert.Equal(35, lit.Min(point => point.X));
        Assert.Equal(44, lit.Max(point => point.X));
        Assert.Equal([13, 14], lit.Select(point => point.Y).Distinct().Order());
    }

    [Fact]
    public void Every_printable_character_has_a_glyph_of_its_own()
    {
        var patterns = new Dictionary<string, char>();
        for (var character = '!'; character <= '~'; character++)
        {
            var bits = string.Concat(Enumerable.Range(0, BitmapFont.GlyphHeight * BitmapFont.GlyphWidth)
                .Select(index => BitmapFont.IsLit(character, index % BitmapFont.GlyphWidth, index / BitmapFont.GlyphWidth) ? '#' : '.'));
            Assert.Contains('#', bits);
            Assert.False(patterns.TryGetValue(bits, out var twin), $"'{character}' looks exactly like '{twin}'");
            patterns[bits] = character;
        }

        Assert.All(Enumerable.Range(0, 40), index => Assert.False(BitmapFont.IsLit(' ', index % 5, index / 5)));
    }

    [Fact]
    public void A_character_outside_ascii_is_drawn_as_the_replacement()
    {
        using var accented = Blank(20, 10);
        using var question = Blank(20, 10);
        using (var canvas = new SKCanvas(accented))
        {
            BitmapFont.Draw(canvas, "é", 1, 1, 1, SKColors.Black);
        }

        using (var canvas = new SKCanvas(question))
        {
            BitmapFont.Draw(canvas, "?", 1, 1, 1, SKColors.Black);
        }

        Assert.NotEmpty(Lit(accented));
        Assert.Equal(Lit(question), Lit(accented));
    }

    [Fact]
    public void Measures_count_the_gap_between_glyphs_but_not_after_the_last()
    {
        Assert.Equal(0, BitmapFont.MeasureWidth(string.Empty, 2));
        Assert.Equal(5, BitmapFont.MeasureWidth("a"));
        Assert.Equal(((3 * 6) - 1) * 2, BitmapFont.MeasureWidth("abc", 2));
        Assert.Equal(24, BitmapFont.Height(3));
    }

    private static SKBitmap Blank(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(SKColors.White);
        return bitmap;
    }

    private SKBitmap RoundTrip(SKBitmap bitmap)
    {
        var path = folder.Combine("font.png");
        PngFile.Write(bitmap, path);
        return SKBitmap.Decode(path);
    }

    private static List<SKPointI> Lit(SKBitmap bitmap) =>
        [.. from y in Enumerable.Range(0, bitmap.Height) from x in Enumerable.Range(0, bitmap.Width) where bitmap.GetPixel(x, y) != SKColors.White select new SKPointI(x, y)];
}
