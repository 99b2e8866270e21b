using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// Line plots stacked one above the other, each with a title, a legend, nice ticks on its axes,
/// a grid and optionally a right axis for a second quantity. Text uses <see cref="BitmapFont"/> and
/// lines are drawn without anti-aliasing, so the image is the same on every machine.
/// </summary>
public sealed class LineChart
{
    /// <summary>The scale text is drawn at.</summary>
    public const int TextScale = 2;

    /// <summary>The width of series lines in pixels.</summary>
    public const float LineWidth = 2;

    private const int Edge = 12;
    private const int Gap = 8;
    private const int MarkerSize = 6;

    private static readonly SKColor Background = SKColors.White;
    private static readonly SKColor TextColor = new(40, 40, 40);
    private static readonly SKColor AxisColor = new(120, 120, 120);
    private static readonly SKColor GridColor = new(228, 228, 228);

    private readonly IReadOnlyList<ChartPanel> panels;

    /// <summary>Lays out <paramref name="panels"/> top to bottom, each <paramref name="panelHeight"/> pixels high.</summary>
    public LineChart(int width, int panelHeight, IReadOnlyList<ChartPanel> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentOutOfRangeException.ThrowIfLessThan(panels.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelHeight, 160);
        this.panels = panels;
        Width = width;
        Height = panelHeight * panels.Count;

        var scales = panels.Select(panel => (
            X: ScaleOf(panel.Series.Concat(panel.SecondarySeries), point => point.X, panel.MinimumXStep),
            Y: ScaleOf(panel.Series, point => point.Y),
            Secondary: panel.SecondarySeries.Count == 0 ? null : ScaleOf(panel.SecondarySeries, point => point.Y))).ToList();

        // Every panel's plot starts and ends at the same x, so that stacked plots line up.
        var left = Edge + BitmapFont.Height(TextScale) + Gap + scales.Max(scale => WidestLabel(scale.Y)) + Gap;
        var right = Width - (scales.Any(scale => scale.Secondary is not null)
            ? Edge + BitmapFont.Height(TextScale) + Gap + scales.Max(scale => WidestLabel(scale.Secondary)) + Gap
            : Edge + 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(right - left, 100, nameof(width));

        Layouts = [.. scales.Select((scale, index) => new PanelLayout(
            new SKRectI(left, (index * panelHeight) + 48, right, ((index + 1) * panelHeight) - 60),
            scale.X,
            scale.Y,
            scale.Secondary))];
    }

    /// <summary>The image's width in pixels.</summary>
    public int Width { get; }

    /// <summary>The image's height in pixels: the panels' heights together.</summary>
    public int Height { get; }

    /// <summary>Where each panel is drawn, in the panels' order.</summary>
    public IReadOnlyList<PanelLayout> Layouts { get; }

    /// <summary>Draws the chart; the caller disposes the bitmap.</summary>
    public SKBitmap Render()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(Background);
        for (var index = 0; index < panels.Count; index++)
        {
            DrawPanel(canvas, panels[index], Layouts[index], index * (Height / panels.Count));
        }

        canvas.Flush();
        return bitmap;
    }

    private void DrawPanel(SKCanvas canvas, ChartPanel panel, PanelLayout layout, int top)
    {
        var area = layout.PlotArea;
        var textHeight = BitmapFont.Height(TextScale);
        using var gridPaint = new SKPaint { Color = GridColor, IsAntialias = false, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var axisPaint = new SKPaint { Color = AxisColor, IsAntialias = false, StrokeWidth = 1, Style = SKPaintStyle.Stroke };

        BitmapFont.Draw(canvas, panel.Title, area.Left, top + 16, TextScale, TextColor);
        DrawLegend(canvas, panel, area.Right, top + 16 + (textHeight / 2));

        foreach (var tick in layout.X.Ticks)
        {
            var x = PixelX(layout, tick);
            canvas.DrawLine(x, area.Top, x, area.Bottom, gridPaint);
            canvas.DrawLine(x, area.Bottom, x, area.Bottom + 4, axisPaint);
            BitmapFont.Draw(canvas, layout.X.Format(tick), x, area.Bottom + Gap, TextScale, TextColor, anchorX: 0.5f);
        }

        foreach (var tick in layout.Y.Ticks)
        {
            var y = PixelY(area, layout.Y, tick);
            canvas.DrawLine(area.Left, y, area.Right, y, gridPaint);
            canvas.DrawLine(area.Left - 4, y, area.Left, y, axisPaint);
            BitmapFont.Draw(canvas, layout.Y.Format(tick), area.Left - Gap, y, TextScale, TextColor, anchorX: 1, anchorY: 0.5f);
        }

        if (layout.SecondaryY is { } secondary)
        {
            var color = panel.SecondarySeries.Count == 1 ? panel.SecondarySeries[0].Color : TextColor;
            foreach (var tick in secondary.Ticks)
            {
                var y = PixelY(area, secondary, tick);
                canvas.DrawLine(area.Right, y, area.Right + 4, y, axisPaint);
                BitmapFont.Draw(canvas, secondary.Format(tick), area.Right + Gap, y, TextScale, color, anchorY: 0.5f);
            }

            BitmapFont.DrawUpward(canvas, panel.SecondaryYLabel, Width - Edge, area.MidY, TextScale, color, anchorAlong: 0.5f, anchorAcross: 1);
        }

        canvas.DrawRect(SKRect.Create(area.Left, area.Top, area.Width, area.Height), axisPaint);
        BitmapFont.Draw(canvas, panel.XLabel, area.MidX, area.Bottom + Gap + textHeight + Gap, TextScale, TextColor, anchorX: 0.5f);
        BitmapFont.DrawUpward(canvas, panel.YLabel, Edge, area.MidY, TextScale, TextColor, anchorAlong: 0.5f);

        var drawn = false;
        canvas.Save();
        canvas.ClipRect(SKRect.Create(area.Left, area.Top, area.Width + 1, area.Height + 1));
        foreach (var series in panel.Series)
        {
            drawn |= DrawSeries(canvas, series, layout.Map);
        }

        foreach (var series in panel.SecondarySeries)
        {
            drawn |= DrawSeries(canvas, series, layout.MapSecondary);
        }

        canvas.Restore();
        if (!drawn)
        {
            BitmapFont.Draw(canvas, panel.EmptyText, area.MidX, area.MidY, TextScale, AxisColor, anchorX: 0.5f, anchorY: 0.5f);
        }
    }

    private static void DrawLegend(SKCanvas canvas, ChartPanel panel, int right, int middle)
    {
        const int swatch = 20;
        var entries = panel.Series.Select(series => (series.Color, series.Name))
            .Concat(panel.SecondarySeries.Select(series => (series.Color, Name: $"{series.Name} (right)")))
            .ToList();
        var x = right - entries.Sum(entry => swatch + 6 + BitmapFont.MeasureWidth(entry.Name, TextScale) + 18) + 18;
        foreach (var (color, name) in entries)
        {
            using var paint = new SKPaint { Color = color, IsAntialias = false, Style = SKPaintStyle.Fill };
            canvas.DrawRect(SKRect.Create(x, middle - 2, swatch, 4), paint);
            x += swatch + 6;
            BitmapFont.Draw(canvas, name, x, middle, TextScale, TextColor, anchorY: 0.5f);
            x += BitmapFont.MeasureWidth(name, TextScale) + 18;
        }
    }

    private static bool DrawSeries(SKCanvas canvas, LineSeries series, Func<DataPoint, SKPoint> map)
    {
        var points = series.Points.Where(point => double.IsFinite(point.X) && double.IsFinite(point.Y)).Select(map).ToList();
        if (points.Count == 0)
        {
            return false;
        }

        using var paint = new SKPaint
        {
            Color = series.Color,
            IsAntialias = false,
            StrokeWidth = LineWidth,
            Style = SKPaintStyle.Stroke,
            StrokeJoin = SKStrokeJoin.Round,
            StrokeCap = SKStrokeCap.Round,
        };
        using var path = new SKPath();
        path.MoveTo(points[0]);
        foreach (var point in points.Skip(1))
        {
            path.LineTo(point);
        }

        canvas.DrawPath(path, paint);
        if (series.Markers || points.Count == 1)
        {
            paint.Style = SKPaintStyle.Fill;
            foreach (var point in points)
            {
                canvas.DrawRect(SKRect.Create(MathF.Round(point.X) - (MarkerSize / 2), MathF.Round(point.Y) - (MarkerSize / 2), MarkerSize, MarkerSize), paint);
            }
        }

        return true;
    }

    private static AxisScale ScaleOf(IEnumerable<LineSeries> series, Func<DataPoint, double> coordinate, double minimumStep = 0)
    {
        var values = series.SelectMany(line => line.Points)
            .Where(point => double.IsFinite(point.X) && double.IsFinite(point.Y))
            .Select(coordinate)
            .ToList();
        return values.Count == 0 ? AxisScale.Nice(0, 1, minimumStep: minimumStep) : AxisScale.Nice(values.Min(), values.Max(), minimumStep: minimumStep);
    }

    private static int WidestLabel(AxisScale? scale) =>
        scale is null ? 0 : scale.Ticks.Max(tick => BitmapFont.MeasureWidth(scale.Format(tick), TextScale));

    // Grid lines sit on whole pixels, so that a one-pixel line is one pixel wide.
    private static float PixelX(PanelLayout layout, double value) =>
        MathF.Round((float)(layout.PlotArea.Left + (layout.X.Fraction(value) * layout.PlotArea.Width))) + 0.5f;

    private static float PixelY(SKRectI area, AxisScale scale, double value) =>
        MathF.Round((float)(area.Bottom - (scale.Fraction(value) * area.Height))) + 0.5f;
}
