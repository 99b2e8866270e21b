using ImageClassifier.Engine.Logging;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// The training curves a run leaves in its work dir (<c>curves.png</c>): the training loss and the
/// learning rate (on a right axis) by iteration above, the validation metrics by epoch (by
/// iteration for iteration-based loops) below. Drawn with ScottPlot from <c>scalars.jsonl</c>, so a
/// resumed run's chart shows the whole history.
/// </summary>
public static class TrainingCurves
{
    /// <summary>The chart's file name in the work dir.</summary>
    public const string FileName = "curves.png";

    /// <summary>The image's width in pixels.</summary>
    public const int Width = 1000;

    /// <summary>The height of each of the two panels in pixels.</summary>
    public const int PanelHeight = 400;

    private const float LineWidth = 2;
    private const float MarkerSize = 7;

    private static readonly SKColor[] MetricColorCycle = [new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75), new(227, 119, 194)];
    private static readonly SKColor EmptyTextColor = new(120, 120, 120);

    /// <summary>The colour of the training loss.</summary>
    public static SKColor LossColor { get; } = new(31, 119, 180);

    /// <summary>The colour of the learning rate.</summary>
    public static SKColor LearningRateColor { get; } = new(255, 127, 14);

    /// <summary>The colour of the validation metric with the given index (the first is top-1 for an Accuracy metric).</summary>
    public static SKColor MetricColor(int index) => MetricColorCycle[index % MetricColorCycle.Length];

    /// <summary>
    /// The chart of <paramref name="history"/>: the training plot, then the validation plot.
    /// Validations are placed by epoch when <paramref name="byEpoch"/>, else by iteration.
    /// </summary>
    public static Multiplot Build(ScalarHistory history, bool byEpoch)
    {
        ArgumentNullException.ThrowIfNull(history);
        var training = NewPanel("Training loss", "iteration", "loss");
        var drawn = AddLine(training, "loss", LossColor, history.Train.Where(record => record.Loss is not null).Select(record => (record.Iteration, record.Loss!.Value)), markers: false);
        var learningRate = history.Train.Where(record => record.LearningRate is not null).Select(record => (record.Iteration, record.LearningRate!.Value));
        if (AddLine(training, "lr (right)", LearningRateColor, learningRate, markers: false) is { } rate)
        {
            rate.Axes.YAxis = training.Axes.Right;
            training.Axes.Right.Label.Text = "learning rate";
            training.Axes.Right.Label.ForeColor = ToColor(LearningRateColor);
            training.Axes.Right.TickLabelStyle.ForeColor = ToColor(LearningRateColor);
            drawn = rate;
        }

        // Loss and rate fall from the top left, so the top right is where a legend hides the least.
        FinishPanel(training, drawn is not null, Alignment.UpperRight, "no training iteration logged");

        var allAccuracies = history.MetricNames.Count > 0 && history.MetricNames.All(name => name.StartsWith("accuracy/", StringComparison.Ordinal));
        var validation = NewPanel("Validation", byEpoch ? "epoch" : "iteration", allAccuracies ? "accuracy (%)" : "value");
        var anyMetric = false;
        for (var index = 0; index < history.MetricNames.Count; index++)
        {
            var name = history.MetricNames[index];
            var points = history.Validation.Where(record => record.Metrics.ContainsKey(name)).Select(record => (byEpoch ? record.Epoch : record.Iteration, record.Metrics[name]));
            anyMetric |= AddLine(validation, name, MetricColor(index), points, markers: true) is not null;
        }

        // Accuracies climb towards the top right.
        FinishPanel(validation, anyMetric, Alignment.LowerRight, "no validation yet");

        var chart = new Multiplot(training);
        chart.AddPlot(validation);
        return chart;
    }

    /// <summary>
    /// Draws <paramref name="chart"/> (<see cref="Width"/> wide, <see cref="PanelHeight"/> per plot),
    /// its plots' data areas sharing left and right edges so that stacked x-axes line up; the
    /// caller disposes the bitmap.
    /// </summary>
    public static SKBitmap Render(Multiplot chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var plots = chart.GetPlots();
        var figure = new PixelRect(0, Width, PanelHeight * plots.Length, 0);
        var bitmap = new SKBitmap(new SKImageInfo(Width, PanelHeight * plots.Length, SKColorType.Rgba8888, SKAlphaType.Premul));
        try
        {
            using var canvas = new SKCanvas(bitmap);

            // A first pass measures the room each plot's axes need; the second gives every plot the widest.
            foreach (var plot in plots)
            {
                plot.Layout.Default();
            }

            chart.Render(canvas, figure);
            var margins = plots.Select(plot => MarginsOf(plot.LastRender)).ToList();
            var left = margins.Max(margin => margin.Left);
            var right = margins.Max(margin => margin.Right);
            for (var index = 0; index < plots.Length; index++)
            {
                plots[index].Layout.Fixed(new PixelPadding(left, right, margins[index].Bottom, margins[index].Top));
            }

            chart.Render(canvas, figure);
            canvas.Flush();
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Draws <see cref="FileName"/> in <paramref name="workDir"/> from its <c>scalars.jsonl</c> and
    /// reports the path through <paramref name="say"/>; returns the path, or null when it could not,
    /// which is reported as a warning: a chart is never worth failing a training run for.
    /// </summary>
    public static string? TryWrite(string workDir, bool byEpoch, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(workDir);
        ArgumentNullException.ThrowIfNull(say);
        var path = Path.Combine(workDir, FileName);
        try
        {
            var history = ScalarHistory.Read(Path.Combine(workDir, ScalarLog.FileName));
            using var bitmap = Render(Build(history, byEpoch));
            PngFile.Write(bitmap, path);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var reason = exception.Message.Contains(path, StringComparison.Ordinal) ? exception.Message : $"'{path}': {exception.Message}";
            say($"warning: could not draw the training curves: {reason}");
            return null;
        }

        say($"Training curves: {path}");
        return path;
    }

    private static PixelPadding MarginsOf(RenderDetails render) => new(
        left: render.DataRect.Left - render.FigureRect.Left,
        right: render.FigureRect.Right - render.DataRect.Right,
        bottom: render.FigureRect.Bottom - render.DataRect.Bottom,
        top: render.DataRect.Top - render.FigureRect.Top);

    private static Plot NewPanel(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        ChartFont.Apply(plot);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // x counts epochs or iterations: a tick between two would name one that does not exist.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        return plot;
    }

    private static void FinishPanel(Plot plot, bool drawn, Alignment legend, string emptyText)
    {
        if (drawn)
        {
            plot.ShowLegend(legend);
            return;
        }

        plot.Axes.SetLimits(0, 1, 0, 1);
        var note = plot.Add.Annotation(emptyText, Alignment.MiddleCenter);
        note.LabelFontColor = ToColor(EmptyTextColor);
        note.LabelFontSize = 14;
        note.LabelBackgroundColor = Colors.Transparent;
        note.LabelBorderColor = Colors.Transparent;
        note.LabelShadowColor = Colors.Transparent;
    }

    // Null when no point is finite: ScottPlot would autoscale an empty or NaN series to nonsense.
    private static ScottPlot.Plottables.Scatter? AddLine(Plot plot, string name, SKColor color, IEnumerable<(long X, double Y)> points, bool markers)
    {
        var finite = points.Where(point => double.IsFinite(point.Y)).ToList();
        if (finite.Count == 0)
        {
            return null;
        }

        var line = plot.Add.Scatter(finite.Select(point => (double)point.X).ToArray(), finite.Select(point => point.Y).ToArray(), ToColor(color));
        line.LegendText = name;
        line.LineWidth = LineWidth;
        // A lone point has no line to show it.
        line.MarkerSize = markers || finite.Count == 1 ? MarkerSize : 0;
        line.MarkerShape = MarkerShape.FilledSquare;
        return line;
    }

    private static Color ToColor(SKColor color) => new(color.Red, color.Green, color.Blue, color.Alpha);
}
