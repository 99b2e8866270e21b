using ScottPlot;
using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// Answers ScottPlot's requests for one font name with one typeface, whatever weight or slant is
/// asked for, so that a bold title does not fall back to a system font.
/// </summary>
/// <param name="name">The font name it answers to (compared ignoring case, as ScottPlot compares family names).</param>
/// <param name="typeface">The typeface it answers with.</param>
internal sealed class EmbeddedFontResolver(string name, SKTypeface typeface) : IFontResolver
{
    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        string.Equals(fontName, name, StringComparison.OrdinalIgnoreCase) ? typeface : null;

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        CreateTypeface(fontName, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
}
