namespace ImageClassifier.Models.BatchAugments;

/// <summary>The rectangle <see cref="CutMix"/> pastes, in pixels; it may be empty.</summary>
/// <param name="Top">The first row.</param>
/// <param name="Left">The first column.</param>
/// <param name="Height">The number of rows.</param>
/// <param name="Width">The number of columns.</param>
public readonly record struct CutMixBox(long Top, long Left, long Height, long Width)
{
    /// <summary>The rectangle between rows [<paramref name="top"/>, <paramref name="bottom"/>) and columns [<paramref name="left"/>, <paramref name="right"/>).</summary>
    public static CutMixBox FromEdges(long top, long bottom, long left, long right) =>
        new(top, left, Math.Max(0, bottom - top), Math.Max(0, right - left));
}
