using System.Globalization;
using ImageClassifier.Engine.Evaluation;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// A confusion matrix as a ScottPlot heatmap: rows are true classes, columns predicted ones, each
/// cell shaded by its share of its row (so a rare class's mistakes show as clearly as a common
/// one's) and labelled with its count where the count fits; class names on both axes, a colour bar
/// and a title with the top-1 accuracy.
/// </summary>
public sealed class ConfusionMatrixChart
{
    /// <summary>The file <c>icls test</c> writes in the work dir unless told otherwise.</summary>
    public const string DefaultFileName = "confusion_matrix.png";

    private const int Edge = 16;
    private const int MaxNameLength = 24;
    private const float TitleFontSize = 16;
    private const float CountFontSize = 14;
    private const float SmallCountFontSize = 9;

    private static readonly SKColor TextColor = new(40, 40, 40);

    private readonly Plot plot;
    private readonly PixelPadding margins;

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

        ClassCount = count;

        // Up to a hundred classes stay readable; beyond, the cells shrink until the image is about 2,000 pixels wide.
        CellSize = count <= 100 ? Math.Clamp(720 / count, 10, 56) : Math.Max(2, 2000 / count);

        plot = new Plot();
        ChartFont.Apply(plot);
        plot.Title(title, TitleFontSize);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.HideGrid();

        var shares = RowShares(counts);
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new RowShareColormap();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        AddCounts(counts, shares);
        LabelClasses([.. classes.Select((name, index) => $"{index} {Shorten(name)}")]);

        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Width = 16;
        colorBar.Axis.TickGenerator = new NumericManual([0, 1], ["0%", "100%"]);

        // Heatmap cells are centred on whole coordinates, row 0 at the top (y = count - 1).
        plot.Axes.SetLimits(-0.5, count - 0.5, -0.5, count - 0.5);
        margins = Margins(MeasureTitle(title));
        plot.Layout.Fixed(margins);
        Width = (int)(margins.Left + (count * CellSize) + margins.Right);
        Height = (int)(margins.Top + (count * CellSize) + margins.Bottom);
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

    private int ClassCount { get; }

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
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, ClassCount);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, ClassCount);
        return SKRectI.Create((int)margins.Left + (predicted * CellSize), (int)margins.Top + (actual * CellSize), CellSize, CellSize);
    }

    /// <summary>Draws the chart; the caller disposes the bitmap.</summary>
    public SKBitmap Render()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        try
        {
            using var canvas = new SKCanvas(bitmap);
            plot.Render(canvas, Width, Height);
            canvas.Flush();
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static double[,] RowShares(long[,] counts)
    {
        var size = counts.GetLength(0);
        var shares = new double[size, size];
        for (var actual = 0; actual < size; actual++)
        {
            long row = 0;
            for (var predicted = 0; predicted < size; predicted++)
            {
                row += counts[actual, predicted];
            }

            for (var predicted = 0; predicted < size; predicted++)
            {
                shares[actual, predicted] = row == 0 ? 0 : (double)counts[actual, predicted] / row;
            }
        }

        return shares;
    }

    private void AddCounts(long[,] counts, double[,] shares)
    {
        using var large = new SKFont(ChartFont.Typeface, CountFontSize);
        using var small = new SKFont(ChartFont.Typeface, SmallCountFontSize);
        for (var actual = 0; actual < ClassCount; actual++)
        {
            for (var predicted = 0; predicted < ClassCount; predicted++)
            {
                var text = counts[actual, predicted].ToString(CultureInfo.InvariantCulture);
                if (new[] { large, small }.FirstOrDefault(font => Fits(font, text)) is not { } font)
                {
                    continue;
                }

                var label = plot.Add.Text(text, predicted, ClassCount - 1 - actual);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = font.Size;
                label.LabelFontColor = ToColor(shares[actual, predicted] > 0.5 ? SKColors.White : TextColor);
            }
        }
    }

    private bool Fits(SKFont font, string text) =>
        font.MeasureText(text) <= CellSize - 4 && Math.Abs(font.Metrics.CapHeight) <= CellSize - 4;

    private void LabelClasses(string[] labels)
    {
        var positions = Enumerable.Range(0, ClassCount).Select(index => (double)index).ToArray();
        var fontSize = CellSize >= 18 ? 12f : CellSize >= 10 ? 8f : 0f;
        if (fontSize == 0)
        {
            // Names of cells this small would overlap: the axes keep their titles only.
            plot.Axes.Left.TickGenerator = new NumericManual();
            plot.Axes.Bottom.TickGenerator = new NumericManual();
            return;
        }

        plot.Axes.Left.TickGenerator = new NumericManual([.. positions.Select(position => ClassCount - 1 - position)], labels);
        plot.Axes.Bottom.TickGenerator = new NumericManual(positions, labels);
        plot.Axes.Left.TickLabelStyle.FontSize = fontSize;
        plot.Axes.Bottom.TickLabelStyle.FontSize = fontSize;

        // Column names read upwards, ending at their column; ScottPlot sizes an axis by unrotated labels.
        plot.Axes.Bottom.TickLabelStyle.Rotation = -90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        using var font = new SKFont(ChartFont.Typeface, fontSize);
        plot.Axes.Bottom.MinimumSize = labels.Max(label => font.MeasureText(label)) + 40;
    }

    // ScottPlot's own layout of a large figure tells how much room the axes, colour bar and title
    // take; the cells then get exactly CellSize pixels each, and the title room to fit.
    private PixelPadding Margins(float titleWidth)
    {
        var side = (ClassCount * CellSize) + 1000;
        using (var surface = SKSurface.Create(new SKImageInfo(side, side)))
        {
            plot.Render(surface.Canvas, side, side);
        }

        var render = plot.LastRender;
        var halfOverflow = (titleWidth / 2) + Edge - (ClassCount * CellSize / 2f);
        return new PixelPadding(
            left: MathF.Ceiling(Math.Max(render.DataRect.Left, halfOverflow)),
            right: MathF.Ceiling(Math.Max(side - render.DataRect.Right, halfOverflow)),
            bottom: MathF.Ceiling(side - render.DataRect.Bottom),
            top: MathF.Ceiling(render.DataRect.Top));
    }

    private static float MeasureTitle(string title)
    {
        using var font = new SKFont(ChartFont.Typeface, TitleFontSize);
        return font.MeasureText(title);
    }

    private static string Shorten(string name) =>
        name.Length <= MaxNameLength ? name : string.Concat(name.AsSpan(0, MaxNameLength - 2), "..");

    private static byte Mix(byte from, byte to, double t) => (byte)Math.Round(from + ((to - from) * t));

    private static Color ToColor(SKColor color) => new(color.Red, color.Green, color.Blue, color.Alpha);
}
