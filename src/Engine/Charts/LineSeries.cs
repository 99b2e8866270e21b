using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>A named line of a <see cref="LineChart"/> panel.</summary>
/// <param name="Name">What the legend calls it.</param>
/// <param name="Color">The line's colour, also its legend swatch's.</param>
/// <param name="Points">The points in drawing order; points with a non-finite coordinate are left out.</param>
public sealed record LineSeries(string Name, SKColor Color, IReadOnlyList<DataPoint> Points)
{
    /// <summary>Whether each point also gets a square marker, so that a series of one point or a few is visible.</summary>
    public bool Markers { get; init; }
}
