using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Charts;
using ImageClassifier.Engine.Evaluation;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

public sealed class ConfusionMatrixChartTests : IDisposable
{
    private static readonly string[] Classes = ["cat", "dog", "bird", "fish"];

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_perfect_classifier_has_the_darkest_diagonal_and_the_lightest_rest()
    {
        var counts = new long[4, 4];
        for (var label = 0; label < 4; label++)
        {
            counts[label, label] = 5 + label;
        }

        var chart = ConfusionMatrixChart.For(new EvaluationResult(new Dictionary<string, double> { ["accuracy/top1"] = 100 }, Classes, counts));

        using var image = RenderAndDecode(chart);

        Assert.Equal(chart.Width, image.Width);
        Assert.Equal(chart.Height, image.Height);
        for (var actual = 0; actual < 4; actual++)
        {
            for (var predicted = 0; predicted < 4; predicted++)
            {
                var cell = chart.Cell(actual, predicted);
                var expected = actual == predicted ? ConfusionMatrixChart.Darkest : ConfusionMatrixChart.Lightest;
                Assert.Equal(expected, image.GetPixel(cell.Left + 1, cell.Top + 1));
                Assert.Equal(expected, image.GetPixel(cell.Right - 2, cell.Bottom - 2));
            }

            // The count is written in white on the dark cell, in dark ink on the light ones.
            Assert.Contains(Pixels(image, chart.Cell(actual, actual)), color => color == SKColors.White);
            Assert.Contains(Pixels(image, chart.Cell(actual, (actual + 1) % 4)), IsInk);
        }

        // The title, with the accuracy, is above the grid.
        Assert.Contains(Pixels(image, new SKRectI(0, 0, image.Width, chart.Cell(0, 0).Top - 2)), IsInk);
    }

    [Fact]
    public void A_count_is_left_out_where_it_does_not_fit_its_cell()
    {
        // 30 classes make 24-pixel cells: room for "7", none for "123456".
        var counts = new long[30, 30];
        counts[0, 0] = 7;
        counts[1, 1] = 123456;
        var chart = new ConfusionMatrixChart([.. Enumerable.Range(0, 30).Select(index => $"c{index}")], counts, "small cells");

        using var image = RenderAndDecode(chart);

        Assert.Equal(24, chart.CellSize);
        Assert.Contains(Pixels(image, chart.Cell(0, 0)), color => color == SKColors.White);
        Assert.All(Pixels(image, chart.Cell(1, 1)), color => Assert.Equal(ConfusionMatrixChart.Darkest, color));
    }

    [Fact]
    public void Cells_are_shaded_by_their_share_of_the_row_not_by_their_count()
    {
        // Row 0 has 4 images, row 1 has 400: one cell of each row holds a quarter of it.
        long[,] counts = { { 3, 1 }, { 100, 300 } };
        var chart = new ConfusionMatrixChart(["small", "large"], counts, "shares");

        using var image = RenderAndDecode(chart);

        Assert.Equal(ConfusionMatrixChart.Shade(0.75), Corner(image, chart.Cell(0, 0)));
        Assert.Equal(ConfusionMatrixChart.Shade(0.25), Corner(image, chart.Cell(0, 1)));
        Assert.Equal(ConfusionMatrixChart.Shade(0.25), Corner(image, chart.Cell(1, 0)));
        Assert.Equal(ConfusionMatrixChart.Shade(0.75), Corner(image, chart.Cell(1, 1)));
    }

    [Fact]
    public void Shades_darken_steadily_from_lightest_to_darkest()
    {
        Assert.Equal(ConfusionMatrixChart.Lightest, ConfusionMatrixChart.Shade(0));
        Assert.Equal(ConfusionMatrixChart.Darkest, ConfusionMatrixChart.Shade(1));
        var brightness = Enumerable.Range(0, 11).Select(step => ConfusionMatrixChart.Shade(step / 10.0)).Select(color => color.Red + color.Green + color.Blue).ToList();
        Assert.All(brightness.Zip(brightness.Skip(1)), pair => Assert.True(pair.Second < pair.First));
    }

    [Fact]
    public void Class_names_are_written_beside_the_rows_and_below_the_columns()
    {
        var counts = new long[4, 4];
        var chart = new ConfusionMatrixChart(Classes, counts, "names");

        using var image = RenderAndDecode(chart);

        var first = chart.Cell(0, 0);
        var last = chart.Cell(3, 3);
        for (var label = 0; label < 4; label++)
        {
            var row = chart.Cell(label, 0);
            Assert.Contains(Pixels(image, new SKRectI(0, row.Top, first.Left - 2, row.Bottom)), IsInk);
            var column = chart.Cell(0, label);
            Assert.Contains(Pixels(image, new SKRectI(column.Left, last.Bottom + 2, column.Right, image.Height)), IsInk);
        }
    }

    [Fact]
    public void Hundreds_of_classes_still_fit_a_bounded_image()
    {
        var counts = new long[300, 300];
        var chart = new ConfusionMatrixChart([.. Enumerable.Range(0, 300).Select(index => $"class {index}")], counts, "many");

        Assert.InRange(chart.Width, 300, 2400);
        Assert.InRange(chart.Height, 300, 2400);
    }

    [Fact]
    public void A_matrix_that_does_not_match_the_classes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ConfusionMatrixChart(Classes, new long[3, 4], "bad"));
    }

    private SKBitmap RenderAndDecode(ConfusionMatrixChart chart)
    {
        using var bitmap = chart.Render();
        var path = folder.Combine("matrix.png");
        PngFile.Write(bitmap, path);
        return SKBitmap.Decode(path);
    }

    private static SKColor Corner(SKBitmap image, SKRectI cell) => image.GetPixel(cell.Left + 1, cell.Top + 1);

    private static bool IsInk(SKColor color) => color.Red < 100 && color.Green < 100 && color.Blue < 100;

    private static IEnumerable<SKColor> Pixels(SKBitmap image, SKRectI area)
    {
        for (var y = area.Top; y < area.Bottom; y++)
        {
            for (var x = area.Left; x < area.Right; x++)
            {
                yield return image.GetPixel(x, y);
            }
        }
    }
}
