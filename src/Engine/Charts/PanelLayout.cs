using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>Where a <see cref="ChartPanel"/> is drawn: its plot area in pixels and the scales that map data onto it.</summary>
/// <param name="PlotArea">The rectangle inside the axes; data maps onto its edges.</param>
/// <param name="X">The horizontal scale.</param>
/// <param name="Y">The left vertical scale.</param>
/// <param name="SecondaryY">The right vertical scale, or null when the panel has no secondary series.</param>
public sealed record PanelLayout(SKRectI PlotArea, AxisScale X, AxisScale Y, AxisScale? SecondaryY)
{
    /// <summary>The pixel a point of a left-axis series is drawn at.</summary>
    public SKPoint Map(DataPoint point) => Map(point, Y);

    /// <summary>The pixel a point of a right-axis series is drawn at.</summary>
    public SKPoint MapSecondary(DataPoint point) =>
        Map(point, SecondaryY ?? throw new InvalidOperationException("The panel has no secondary axis."));

    private SKPoint Map(DataPoint point, AxisScale y) => new(
        (float)(PlotArea.Left + (X.Fraction(point.X) * PlotArea.Width)),
        (float)(PlotArea.Bottom - (y.Fraction(point.Y) * PlotArea.Height)));
}
