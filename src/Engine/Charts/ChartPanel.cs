namespace ImageClassifier.Engine.Charts;

/// <summary>One plot of a <see cref="LineChart"/>: a title, axes and the series drawn on them.</summary>
/// <param name="Title">The text above the plot.</param>
/// <param name="XLabel">The horizontal axis's name.</param>
/// <param name="YLabel">The left axis's name.</param>
/// <param name="Series">The series on the left axis.</param>
public sealed record ChartPanel(string Title, string XLabel, string YLabel, IReadOnlyList<LineSeries> Series)
{
    /// <summary>Series on a right axis of their own (a learning rate beside a loss); none when empty.</summary>
    public IReadOnlyList<LineSeries> SecondarySeries { get; init; } = [];

    /// <summary>The right axis's name.</summary>
    public string SecondaryYLabel { get; init; } = string.Empty;

    /// <summary>The smallest step between horizontal ticks: 1 where x counts something (epochs, iterations), so that no tick falls between two.</summary>
    public double MinimumXStep { get; init; }

    /// <summary>What the plot area says when no series has a point.</summary>
    public string EmptyText { get; init; } = "no data";
}
