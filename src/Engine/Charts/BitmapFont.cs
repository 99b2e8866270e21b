using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// A 5x7 pixel font for printable ASCII, with an eighth row for the descenders of g, j, p, q and y,
/// drawn as rectangles scaled by a whole factor. Charts use
/// it instead of a system typeface because SkiaSharp's NoDependencies build has no fontconfig: a
/// machine without fonts would draw no text at all, and one with other fonts would draw other
/// pixels. With this font a chart is the same image on every machine.
/// </summary>
public static class BitmapFont
{
    /// <summary>The width of a glyph in font pixels.</summary>
    public const int GlyphWidth = 5;

    /// <summary>The height of a glyph in font pixels: seven rows above the baseline and one below.</summary>
    public const int GlyphHeight = 8;

    /// <summary>How far one character moves the pen, in font pixels: the glyph and one blank column.</summary>
    public const int Advance = GlyphWidth + 1;

    /// <summary>What a character outside printable ASCII is drawn as.</summary>
    public const char Replacement = '?';

    // One glyph a line: the character, then its rows from the top, '#' for a lit pixel: seven, or
    // eight for a glyph that descends below the baseline. The space is blank and has no line.
    private const string Glyphs = """
        ! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..
        " .#.#. .#.#. ..... ..... ..... ..... .....
        # .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
        $ ..#.. .#### #.#.. .###. ..#.# ####. ..#..
        % ##..# ##..# ...#. ..#.. .#... #..## #..##
        & .##.. #..#. #.#.. .#... #.#.# #..#. .##.#
        ' ..#.. ..#.. ..... ..... ..... ..... .....
        ( ...#. ..#.. .#... .#... .#... ..#.. ...#.
        ) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
        * ..... ..#.. #.#.# .###. #.#.# ..#.. .....
        + ..... ..#.. ..#.. ##### ..#.. ..#.. .....
        , ..... ..... ..... ..... .##.. ..#.. .#...
        - ..... ..... ..... ##### ..... ..... .....
        . ..... ..... ..... ..... ..... .##.. .##..
        / ....# ...#. ...#. ..#.. .#... .#... #....
        0 .###. #...# #..## #.#.# ##..# #...# .###.
        1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
        2 .###. #...# ....# ...#. ..#.. .#... #####
        3 ####. ....# ....# .###. ....# ....# ####.
        4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
        5 ##### #.... ####. ....# ....# #...# .###.
        6 ..##. .#... #.... ####. #...# #...# .###.
        7 ##### ....# ...#. ..#.. .#... .#... .#...
        8 .###. #...# #...# .###. #...# #...# .###.
        9 .###. #...# #...# .#### ....# ...#. .##..
        : ..... .##.. .##.. ..... .##.. .##.. .....
        ; ..... .##.. .##.. ..... .##.. ..#.. .#...
        < ...#. ..#.. .#... #.... .#... ..#.. ...#.
        = ..... ..... ##### ..... ##### ..... .....
        > .#... ..#.. ...#. ....# ...#. ..#.. .#...
        ? .###. #...# ....# ...#. ..#.. ..... ..#..
        @ .###. #...# #.### #.#.# #.### #.... .####
        A .###. #...# #...# ##### #...# #...# #...#
        B ####. #...# #...# ####. #...# #...# ####.
        C .###. #...# #.... #.... #.... #...# .###.
        D ###.. #..#. #...# #...# #...# #..#. ###..
        E ##### #.... #.... ####. #.... #.... #####
        F ##### #.... #.... ####. #.... #.... #....
        G .###. #...# #.... #.### #...# #...# .####
        H #...# #...# #...# ##### #...# #...# #...#
        I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
        J ..### ...#. ...#. ...#. ...#. #..#. .##..
        K #...# #..#. #.#.. ##... #.#.. #..#. #...#
        L #.... #.... #.... #.... #.... #.... #####
        M #...# ##.## #.#.# #.#.# #...# #...# #...#
        N #...# #...# ##..# #.#.# #..## #...# #...#
        O .###. #...# #...# #...# #...# #...# .###.
        P ####. #...# #...# ####. #.... #.... #....
        Q .###. #...# #...# #...# #.#.# #..#. .##.#
        R ####. #...# #...# ####. #.#.. #..#. #...#
        S .#### #.... #.... .###. ....# ....# ####.
        T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
        U #...# #...# #...# #...# #...# #...# .###.
        V #...# #...# #...# #...# #...# .#.#. ..#..
        W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
        X #...# #...# .#.#. ..#.. .#.#. #...# #...#
        Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
        Z ##### ....# ...#. ..#.. .#... #.... #####
        [ .###. .#... .#... .#... .#... .#... .###.
        \ #.... .#... .#... ..#.. ...#. ...#. ....#
        ] .###. ...#. ...#. ...#. ...#. ...#. .###.
        ^ ..#.. .#.#. #...# ..... ..... ..... .....
        _ ..... ..... ..... ..... ..... ..... #####
        ` .#... ..#.. ..... ..... ..... ..... .....
        a ..... ..... .###. ....# .#### #...# .####
        b #.... #.... #.##. ##..# #...# #...# ####.
        c ..... ..... .###. #.... #.... #...# .###.
        d ....# ....# .##.# #..## #...# #...# .####
        e ..... ..... .###. #...# ##### #.... .###.
        f ..##. .#..# .#... ###.. .#... .#... .#...
        g ..... ..... .#### #...# #...# .#### ....# .###.
        h #.... #.... #.##. ##..# #...# #...# #...#
        i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.
        j ...#. ..... ..##. ...#. ...#. ...#. #..#. .##..
        k #.... #.... #..#. #.#.. ##... #.#.. #..#.
        l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
        m ..... ..... ##.#. #.#.# #.#.# #...# #...#
        n ..... ..... #.##. ##..# #...# #...# #...#
        o ..... ..... .###. #...# #...# #...# .###.
        p ..... ..... ####. #...# #...# ####. #.... #....
        q ..... ..... .#### #...# #...# .#### ....# ....#
        r ..... ..... #.##. ##..# #.... #.... #....
        s ..... ..... .###. #.... .###. ....# ####.
        t .#... .#... ###.. .#... .#... .#..# ..##.
        u ..... ..... #...# #...# #...# #..## .##.#
        v ..... ..... #...# #...# #...# .#.#. ..#..
        w ..... ..... #...# #...# #.#.# #.#.# .#.#.
        x ..... ..... #...# .#.#. ..#.. .#.#. #...#
        y ..... ..... #...# #...# #...# .#### ....# .###.
        z ..... ..... ##### ...#. ..#.. .#... #####
        { ...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.
        | ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
        } .#... ..#.. ..#.. ...#. ..#.. ..#.. .#...
        ~ ..... ..... .#... #.#.# ...#. ..... .....
        """;

    private const char First = ' ';
    private const char Last = '~';

    // Each glyph's rows, bit 4 the leftmost column.
    private static readonly byte[][] Rows = ParseGlyphs();

    /// <summary>The width in canvas pixels of <paramref name="text"/> drawn at <paramref name="scale"/>; 0 for empty text.</summary>
    public static int MeasureWidth(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckScale(scale);
        return text.Length == 0 ? 0 : ((text.Length * Advance) - 1) * scale;
    }

    /// <summary>The height in canvas pixels of a line drawn at <paramref name="scale"/>.</summary>
    public static int Height(int scale = 1)
    {
        CheckScale(scale);
        return GlyphHeight * scale;
    }

    /// <summary>Whether the glyph of <paramref name="character"/> lights the font pixel at (<paramref name="column"/>, <paramref name="row"/>), (0, 0) being its top left.</summary>
    public static bool IsLit(char character, int column, int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, GlyphWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, GlyphHeight);
        return (GlyphRows(character)[row] & (1 << (GlyphWidth - 1 - column))) != 0;
    }

    /// <summary>
    /// Draws <paramref name="text"/> left to right. The point (<paramref name="x"/>, <paramref name="y"/>)
    /// is where the text's anchor goes: <paramref name="anchorX"/> 0 puts its left edge there, 0.5 its
    /// middle, 1 its right edge; <paramref name="anchorY"/> likewise from top to bottom. The text is
    /// placed on whole pixels so that its edges stay sharp.
    /// </summary>
    public static void Draw(SKCanvas canvas, string text, float x, float y, int scale, SKColor color, float anchorX = 0, float anchorY = 0)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(text);
        CheckScale(scale);
        var left = (int)MathF.Round(x - (anchorX * MeasureWidth(text, scale)));
        var top = (int)MathF.Round(y - (anchorY * Height(scale)));
        using var paint = new SKPaint { Color = color, IsAntialias = false, Style = SKPaintStyle.Fill };
        for (var index = 0; index < text.Length; index++)
        {
            var rows = GlyphRows(text[index]);
            var glyphLeft = left + (index * Advance * scale);
            for (var row = 0; row < GlyphHeight; row++)
            {
                // One rectangle per run of lit pixels in the row.
                var column = 0;
                while (column < GlyphWidth)
                {
                    if ((rows[row] & (1 << (GlyphWidth - 1 - column))) == 0)
                    {
                        column++;
                        continue;
                    }

                    var start = column;
                    while (column < GlyphWidth && (rows[row] & (1 << (GlyphWidth - 1 - column))) != 0)
                    {
                        column++;
                    }

                    canvas.DrawRect(SKRect.Create(glyphLeft + (start * scale), top + (row * scale), (column - start) * scale, scale), paint);
                }
            }
        }
    }

    /// <summary>
    /// Draws <paramref name="text"/> reading upwards (turned a quarter left), as a y-axis label is.
    /// The anchors are in the text's own frame: <paramref name="anchorAlong"/> 0 puts the text's
    /// start at (<paramref name="x"/>, <paramref name="y"/>) and 1 its end; <paramref name="anchorAcross"/>
    /// 0 puts the glyphs' tops on x (the text then lies to the right of x), 1 their bottoms.
    /// </summary>
    public static void DrawUpward(SKCanvas canvas, string text, float x, float y, int scale, SKColor color, float anchorAlong = 0, float anchorAcross = 0)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        canvas.Save();
        canvas.Translate(MathF.Round(x), MathF.Round(y));
        canvas.RotateDegrees(-90);
        Draw(canvas, text, 0, 0, scale, color, anchorAlong, anchorAcross);
        canvas.Restore();
    }

    private static byte[] GlyphRows(char character) =>
        Rows[(character is >= First and <= Last ? character : Replacement) - First];

    private static void CheckScale(int scale) => ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);

    private static byte[][] ParseGlyphs()
    {
        var rows = new byte[Last - First + 1][];
        rows[0] = new byte[GlyphHeight];
        foreach (var line in Glyphs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var character = line[0];
            var pattern = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (character is < First or > Last || rows[character - First] is not null || pattern.Length is not (GlyphHeight - 1 or GlyphHeight) || pattern.Any(row => row.Length != GlyphWidth))
            {
                throw new InvalidOperationException($"The bitmap font's glyph line '{line}' is malformed.");
            }

            rows[character - First] = [.. pattern.Append(".....").Take(GlyphHeight).Select(row => (byte)row.Aggregate(0, (bits, pixel) => (bits << 1) | (pixel == '#' ? 1 : 0)))];
        }

        var missing = Enumerable.Range(0, rows.Length).Where(index => rows[index] is null).Select(index => (char)(index + First)).ToList();
        return missing.Count == 0 ? rows : throw new InvalidOperationException($"The bitmap font lacks glyphs for '{string.Concat(missing)}'.");
    }
}
