using ScottPlot;
using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// The one typeface all chart text is drawn in: DejaVu Sans, embedded in this assembly. SkiaSharp's
/// NoDependencies build finds no fonts on a machine without any installed, and different machines
/// have different ones; an embedded typeface makes every chart's text the same everywhere.
/// </summary>
public static class ChartFont
{
    /// <summary>The name ScottPlot knows the typeface by; unlike a system family name, nothing else can answer to it.</summary>
    public const string Name = "ImageClassifier DejaVu Sans";

    private const string ResourceName = "ImageClassifier.Charts.DejaVuSans.ttf";

    static ChartFont()
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The chart font '{ResourceName}' is missing from {typeof(ChartFont).Assembly.GetName().Name}.");
        using var data = SKData.Create(stream);
        Typeface = SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"SkiaSharp cannot read the chart font '{ResourceName}'.");

        // ScottPlot's font resolvers are process-wide; ours goes first so that its name never reaches the system's.
        Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver(Name, Typeface));
    }

    /// <summary>The embedded typeface.</summary>
    public static SKTypeface Typeface { get; }

    /// <summary>
    /// Draws all of <paramref name="plot"/>'s text in <see cref="Typeface"/>: its title, axes, legend
    /// and, through ScottPlot's defaults, whatever is added to it afterwards.
    /// </summary>
    public static void Apply(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Font.Set(Name);
        plot.Legend.FontName = Name;
    }
}
