using ScottPlot;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// The confusion matrix's colours for a cell's share of its row, 0 to 1: <see cref="ConfusionMatrixChart.Shade"/>,
/// so the heatmap and its colour bar use the very colours the chart documents.
/// </summary>
internal sealed class RowShareColormap : IColormap
{
    /// <inheritdoc />
    public string Name => "row share";

    /// <inheritdoc />
    public Color GetColor(double position)
    {
        if (double.IsNaN(position))
        {
            return Colors.Transparent;
        }

        var shade = ConfusionMatrixChart.Shade(position);
        return new Color(shade.Red, shade.Green, shade.Blue);
    }
}
