using System.Globalization;
using ImageClassifier.Engine.Evaluation;
using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// A confusion matrix as a heatmap: rows are true classes, columns predicted ones, each cell shaded
/// by its share of its row (so a rare class's mistakes show as clearly as a common one's) and
/// labelled with its count where the count fits; class names on both axes, a colour bar and a
/// title with the top-1 accuracy.
/// </summary>
public sealed class ConfusionMatrixChart
{
    /// <summary>The file <c>icls test</c> writes in the work dir unless told otherwise.</summary>
    public const string DefaultFileName = "confusion_matrix.png";

    private const int Edge = 16;
    private const int Gap = 8;
    private const int TitleScale = 2;
    private const int MaxNameLength = 24;
    private const int ColorBarWidth = 16;

    private static readonly SKColor TextColor = new(40, 40, 40);
    private static readonly SKColor BorderColor = new(120, 120, 120);

    private readonly long[,] counts;
    private readonly IReadOnlyList<string> labels;
    private readonly string title;
    private readonly int labelScale;
    private readonly int gridLeft;
    private readonly int gridTop;

    /// <summary>Lays out the chart of <paramref name="counts"/>, indexed [true class, predicted class].</summary>
    public ConfusionMatrixChart(IReadOnlyList<string> classes, long[,] counts, string title)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(title);
        var count = classes.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(classes));
        if (counts.GetLength(0) != count || counts.GetLength(1) != count)
        {
            throw new ArgumentException($"The matrix is {counts.GetLength(0)} x {counts.GetLength(1)} for {count} classes.", nameof(counts));
        }

        this.counts = counts;
        this.title = title;
        labels = [.. classes.Select((name, index) => $"{index} {Shorten(name)}")];

        // Up to a hundred classes stay readable; beyond, the cells shrink until the image is about 2,000 pixels wide.
        CellSize = count <= 100 ? Math.Clamp(720 / count, 10, 56) : Math.Max(2, 2000 / count);
        labelScale = CellSize >= 18 ? 2 : CellSize >= BitmapFont.GlyphHeight + 2 ? 1 : 0;
        var labelWidth = labelScale == 0 ? 0 : labels.Max(label => BitmapFont.MeasureWidth(label, labelScale));
        var axisTitleHeight = BitmapFont.Height(TitleScale);
        var grid = count * CellSize;

        gridLeft = Edge + axisTitleHeight + Gap + labelWidth + Gap;
        gridTop = Edge + BitmapFont.Height(TitleScale) + (2 * Gap);
        var colorBarRight = gridLeft + grid + (2 * Gap) + ColorBarWidth + Gap + BitmapFont.MeasureWidth("100%", TitleScale);
        Width = Math.Max(colorBarRight, Edge + BitmapFont.MeasureWidth(title, TitleScale)) + Edge;
        Height = gridTop + grid + Gap + labelWidth + Gap + axisTitleHeight + Edge;
    }

    /// <summary>The colour of a cell with no share of its row.</summary>
    public static SKColor Lightest { get; } = new(247, 251, 255);

    /// <summary>The colour of a cell with all of its row.</summary>
    public static SKColor Darkest { get; } = new(8, 48, 107);

    /// <summary>The image's width in pixels.</summary>
    public int Width { get; }

    /// <summary>The image's height in pixels.</summary>
    public int Height { get; }

    /// <summary>The side of a cell in pixels.</summary>
    public int CellSize { get; }

    /// <summary>
    /// The chart of an evaluation, titled with its top-1 accuracy (the diagonal's share of all
    /// samples) and the number of samples.
    /// </summary>
    public static ConfusionMatrixChart For(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        long correct = 0;
        for (var label = 0; label < result.Classes.Count; label++)
        {
            correct += result.ConfusionMatrix[label, label];
        }

        var topOne = result.SampleCount == 0 ? "-" : (100.0 * correct / result.SampleCount).ToString("F2", CultureInfo.InvariantCulture) + "%";
        return new ConfusionMatrixChart(result.Classes, result.ConfusionMatrix, $"Confusion matrix: top-1 {topOne} of {result.SampleCount.ToString("N0", CultureInfo.InvariantCulture)} images");
    }

    /// <summary>The colour of a cell holding <paramref name="fraction"/> (0 to 1) of its row.</summary>
    public static SKColor Shade(double fraction)
    {
        var t = double.IsFinite(fraction) ? Math.Clamp(fraction, 0, 1) : 0;
        return new SKColor(Mix(Lightest.Red, Darkest.Red, t), Mix(Lightest.Green, Darkest.Green, t), Mix(Lightest.Blue, Darkest.Blue, t));
    }

    /// <summary>The pixels of the cell for true class <paramref name="actual"/> and predicted class <paramref name="predicted"/>.</summary>
    public SKRectI Cell(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, labels.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, labels.Count);
        return SKRectI.Create(gridLeft + (predicted * CellSize), gridTop + (actual * CellSize), CellSize, CellSize);
    }

    /// <summary>Draws the chart; the caller disposes the bitmap.</summary>
    public SKBitmap Render()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var fill = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        using var border = new SKPaint { Color = BorderColor, IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        var classCount = labels.Count;
        var grid = classCount * CellSize;

        BitmapFont.Draw(canvas, title, Edge, Edge, TitleScale, TextColor);
        var labelWidth = labelScale == 0 ? 0 : labels.Max(label => BitmapFont.MeasureWidth(label, labelScale));
        BitmapFont.Draw(canvas, "predicted class", gridLeft + (grid / 2f), gridTop + grid + Gap + labelWidth + Gap, TitleScale, TextColor, anchorX: 0.5f);
        BitmapFont.DrawUpward(canvas, "true class", Edge, gridTop + (grid / 2f), TitleScale, TextColor, anchorAlong: 0.5f);

        for (var actual = 0; actual < classCount; actual++)
        {
            long row = 0;
            for (var predicted = 0; predicted < classCount; predicted++)
            {
                row += counts[actual, predicted];
            }

            for (var predicted = 0; predicted < classCount; predicted++)
            {
                var fraction = row == 0 ? 0 : (double)counts[actual, predicted] / row;
                var cell = Cell(actual, predicted);
                fill.Color = Shade(fraction);
                canvas.DrawRect(cell, fill);
                DrawCount(canvas, counts[actual, predicted], cell, fraction > 0.5 ? SKColors.White : TextColor);
            }
        }

        canvas.DrawRect(SKRect.Create(gridLeft - 1, gridTop - 1, grid + 1, grid + 1), border);
        if (labelScale > 0)
        {
            for (var label = 0; label < classCount; label++)
            {
                var middle = gridTop + (label * CellSize) + (CellSize / 2f);
                BitmapFont.Draw(canvas, labels[label], gridLeft - Gap, middle, labelScale, TextColor, anchorX: 1, anchorY: 0.5f);
                var center = gridLeft + (label * CellSize) + (CellSize / 2f);
                BitmapFont.DrawUpward(canvas, labels[label], center - (BitmapFont.Height(labelScale) / 2f), gridTop + grid + Gap, labelScale, TextColor, anchorAlong: 1);
            }
        }

        DrawColorBar(canvas, fill, border, gridLeft + grid + (2 * Gap), grid);
        canvas.Flush();
        return bitmap;
    }

    private void DrawColorBar(SKCanvas canvas, SKPaint fill, SKPaint border, int left, int height)
    {
        for (var y = 0; y < height; y++)
        {
            fill.Color = Shade(1 - ((double)y / Math.Max(1, height - 1)));
            canvas.DrawRect(SKRect.Create(left, gridTop + y, ColorBarWidth, 1), fill);
        }

        canvas.DrawRect(SKRect.Create(left - 1, gridTop - 1, ColorBarWidth + 1, height + 1), border);
        BitmapFont.Draw(canvas, "100%", left + ColorBarWidth + Gap, gridTop, TitleScale, TextColor);
        BitmapFont.Draw(canvas, "0%", left + ColorBarWidth + Gap, gridTop + height, TitleScale, TextColor, anchorY: 1);
    }

    private void DrawCount(SKCanvas canvas, long count, SKRectI cell, SKColor color)
    {
        var text = count.ToString(CultureInfo.InvariantCulture);
        foreach (var scale in new[] { 2, 1 })
        {
            if (BitmapFont.MeasureWidth(text, scale) <= CellSize - 4 && BitmapFont.Height(scale) <= CellSize - 4)
            {
                BitmapFont.Draw(canvas, text, cell.MidX, cell.MidY, scale, color, anchorX: 0.5f, anchorY: 0.5f);
                return;
            }
        }
    }

    private static string Shorten(string name) =>
        name.Length <= MaxNameLength ? name : string.Concat(name.AsSpan(0, MaxNameLength - 2), "..");

    private static byte Mix(byte from, byte to, double t) => (byte)Math.Round(from + ((to - from) * t));
}
