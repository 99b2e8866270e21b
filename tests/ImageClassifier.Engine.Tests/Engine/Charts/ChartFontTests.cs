using ImageClassifier.Engine.Charts;
using ScottPlot;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

public sealed class ChartFontTests
{
    [Fact]
    public void The_embedded_typeface_is_dejavu_sans_and_draws_every_character_the_charts_use()
    {
        using var font = new SKFont(ChartFont.Typeface, 20);
        using var bitmap = new SKBitmap(200, 40);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText("Loss 0.5%", 4, 30, font, paint);
        }

        Assert.Equal("DejaVu Sans", ChartFont.Typeface.FamilyName);
        Assert.True(font.ContainsGlyphs("Confusion matrix: top-1 89.35% of 2,000 images (right) µ"));
        Assert.Contains(bitmap.Pixels, color => color.Red < 100);
    }

    [Fact]
    public void ScottPlot_resolves_the_name_to_the_embedded_typeface_in_any_style()
    {
        _ = ChartFont.Typeface;

        Assert.Same(ChartFont.Typeface, Fonts.GetTypeface(ChartFont.Name, bold: false, italic: false));
        Assert.Same(ChartFont.Typeface, Fonts.GetTypeface(ChartFont.Name, bold: true, italic: true));
    }

    [Fact]
    public void A_plot_draws_its_title_axes_legend_and_later_text_in_the_embedded_typeface()
    {
        var plot = new Plot();

        ChartFont.Apply(plot);
        var text = plot.Add.Text("later", 0, 0);

        Assert.Same(ChartFont.Typeface, plot.Axes.Title.Label.Font);
        Assert.All(plot.Axes.GetAxes(), axis => Assert.Same(ChartFont.Typeface, axis.TickLabelStyle.Font));
        Assert.All(plot.Axes.GetAxes(), axis => Assert.Same(ChartFont.Typeface, axis.Label.Font));
        Assert.Equal(ChartFont.Name, plot.Legend.FontName);
        Assert.Same(ChartFont.Typeface, text.LabelStyle.Font);
    }
}
