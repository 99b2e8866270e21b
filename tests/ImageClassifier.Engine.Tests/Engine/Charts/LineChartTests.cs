using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Charts;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

public sealed class LineChartTests : IDisposable
{
    private static readonly SKColor Magenta = new(200, 0, 200);
    private static readonly SKColor Teal = new(0, 150, 150);

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_series_is_drawn_where_the_layout_maps_it_and_nowhere_else()
    {
        DataPoint[] points = [new(0, 0), new(10, 10), new(20, 5), new(30, 25), new(37, 24)];
        var chart = new LineChart(600, 300, [new ChartPanel("known", "x", "y", [new LineSeries("line", Magenta, points)])]);

        using var image = RenderAndDecode(chart);

        Assert.Equal(600, image.Width);
        Assert.Equal(300, image.Height);
        var layout = chart.Layouts[0];
        Assert.Equal(0, layout.X.Minimum);
        Assert.Equal(40, layout.X.Maximum);
        Assert.Equal(0, layout.Y.Minimum);
        Assert.Equal(25, layout.Y.Maximum);
        var mapped = points.Select(layout.Map).ToList();
        AssertDrawnAlong(image, mapped, Magenta);
        AssertOnlyNear(image, layout.PlotArea, mapped, Magenta);
    }

    [Fact]
    public void A_secondary_series_follows_its_own_right_axis()
    {
        DataPoint[] loss = [new(0, 2.3), new(50, 1.1), new(100, 0.4)];
        DataPoint[] rate = [new(0, 0.001), new(50, 0.05), new(100, 0.0005)];
        var panel = new ChartPanel("two axes", "iteration", "loss", [new LineSeries("loss", Magenta, loss)])
        {
            SecondarySeries = [new LineSeries("lr", Teal, rate)],
            SecondaryYLabel = "learning rate",
        };
        var chart = new LineChart(700, 320, [panel]);

        using var image = RenderAndDecode(chart);

        var layout = chart.Layouts[0];
        Assert.NotNull(layout.SecondaryY);
        Assert.Equal(0.05, layout.SecondaryY.Maximum, 12);
        // The rate's peak reaches the top of the plot although 0.05 is far below the loss axis's ticks.
        Assert.Equal(layout.PlotArea.Top, layout.MapSecondary(new DataPoint(50, 0.05)).Y, 3);
        var mappedRate = rate.Select(layout.MapSecondary).ToList();
        AssertDrawnAlong(image, mappedRate, Teal);
        AssertOnlyNear(image, layout.PlotArea, mappedRate, Teal);
        AssertDrawnAlong(image, [.. loss.Select(layout.Map)], Magenta);
        // The right axis's tick labels are in the rate's colour, right of the plot.
        Assert.Contains(Pixels(image, new SKRectI(layout.PlotArea.Right + 2, layout.PlotArea.Top - 10, image.Width, layout.PlotArea.Bottom + 10)), color => color == Teal);
    }

    [Fact]
    public void Stacked_panels_share_their_plot_edges_and_an_empty_one_says_so()
    {
        var chart = new LineChart(500, 250, [
            new ChartPanel("data", "x", "y", [new LineSeries("a", Magenta, [new(1, 1000), new(2, 3000)])]),
            new ChartPanel("nothing", "x", "y", [new LineSeries("b", Teal, [])]) { EmptyText = "nothing yet" },
        ]);

        using var image = RenderAndDecode(chart);

        Assert.Equal(500, image.Height);
        var (top, bottom) = (chart.Layouts[0].PlotArea, chart.Layouts[1].PlotArea);
        Assert.Equal(top.Left, bottom.Left);
        Assert.Equal(top.Right, bottom.Right);
        Assert.True(bottom.Top >= 250);
        Assert.DoesNotContain(Pixels(image, bottom), color => color == Teal);
        var message = new SKRectI(bottom.MidX - 70, bottom.MidY - 8, bottom.MidX + 70, bottom.MidY + 8);
        Assert.Contains(Pixels(image, message), color => color.Red < 200);
    }

    [Fact]
    public void A_single_point_is_shown_as_a_marker()
    {
        var chart = new LineChart(400, 200, [new ChartPanel("one", "epoch", "top-1", [new LineSeries("top-1", Magenta, [new(1, 42)])])]);

        using var image = RenderAndDecode(chart);

        var center = chart.Layouts[0].Map(new DataPoint(1, 42));
        var block = Pixels(image, new SKRectI((int)center.X - 2, (int)center.Y - 2, (int)center.X + 2, (int)center.Y + 2)).ToList();
        Assert.All(block, color => Assert.Equal(Magenta, color));
    }

    private SKBitmap RenderAndDecode(LineChart chart)
    {
        using var bitmap = chart.Render();
        var path = folder.Combine("chart.png");
        PngFile.Write(bitmap, path);
        return SKBitmap.Decode(path);
    }

    // Every point along every segment has the series' colour within a pixel.
    private static void AssertDrawnAlong(SKBitmap image, IReadOnlyList<SKPoint> mapped, SKColor color)
    {
        for (var segment = 0; segment + 1 < mapped.Count; segment++)
        {
            for (var t = 0.0; t <= 1.0; t += 0.05)
            {
                var x = (int)Math.Round(mapped[segment].X + ((mapped[segment + 1].X - mapped[segment].X) * t));
                var y = (int)Math.Round(mapped[segment].Y + ((mapped[segment + 1].Y - mapped[segment].Y) * t));
                Assert.True(Pixels(image, new SKRectI(x - 1, y - 1, x + 2, y + 2)).Contains(color), $"no line pixel near ({x}, {y})");
            }
        }
    }

    // No pixel of the series' colour in the plot lies more than 2.5 pixels from its polyline.
    private static void AssertOnlyNear(SKBitmap image, SKRectI area, IReadOnlyList<SKPoint> mapped, SKColor color)
    {
        var count = 0;
        for (var y = area.Top; y <= area.Bottom; y++)
        {
            for (var x = area.Left; x <= area.Right; x++)
            {
                if (image.GetPixel(x, y) != color)
                {
                    continue;
                }

                count++;
                var center = new SKPoint(x + 0.5f, y + 0.5f);
                var distance = Enumerable.Range(0, mapped.Count - 1).Min(index => DistanceToSegment(center, mapped[index], mapped[index + 1]));
                Assert.True(distance <= 2.5, $"a line pixel at ({x}, {y}) is {distance:F1} pixels from the line");
            }
        }

        Assert.True(count > 50, $"only {count} line pixels");
    }

    private static double DistanceToSegment(SKPoint point, SKPoint start, SKPoint end)
    {
        var (dx, dy) = (end.X - start.X, end.Y - start.Y);
        var length = (dx * dx) + (dy * dy);
        var t = length == 0 ? 0 : Math.Clamp((((point.X - start.X) * dx) + ((point.Y - start.Y) * dy)) / length, 0, 1);
        var (nearestX, nearestY) = (start.X + (t * dx), start.Y + (t * dy));
        return Math.Sqrt(((point.X - nearestX) * (point.X - nearestX)) + ((point.Y - nearestY) * (point.Y - nearestY)));
    }

    private static IEnumerable<SKColor> Pixels(SKBitmap image, SKRectI area)
    {
        for (var y = Math.Max(0, area.Top); y < Math.Min(image.Height, area.Bottom); y++)
        {
            for (var x = Math.Max(0, area.Left); x < Math.Min(image.Width, area.Right); x++)
            {
                yield return image.GetPixel(x, y);
            }
        }
    }
}
