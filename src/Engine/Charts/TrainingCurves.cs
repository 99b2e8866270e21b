using ImageClassifier.Engine.Logging;
using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// The training curves a run leaves in its work dir (<c>curves.png</c>): the training loss and the
/// learning rate by iteration above, the validation metrics by epoch (by iteration for
/// iteration-based loops) below. Drawn from <c>scalars.jsonl</c>, so a resumed run's chart shows
/// the whole history.
/// </summary>
public static class TrainingCurves
{
    /// <summary>The chart's file name in the work dir.</summary>
    public const string FileName = "curves.png";

    /// <summary>The image's width in pixels.</summary>
    public const int Width = 1000;

    /// <summary>The height of each of the two panels in pixels.</summary>
    public const int PanelHeight = 400;

    private static readonly SKColor[] MetricColorCycle = [new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75), new(227, 119, 194)];

    /// <summary>The colour of the training loss.</summary>
    public static SKColor LossColor { get; } = new(31, 119, 180);

    /// <summary>The colour of the learning rate.</summary>
    public static SKColor LearningRateColor { get; } = new(255, 127, 14);

    /// <summary>The colour of the validation metric with the given index (the first is top-1 for an Accuracy metric).</summary>
    public static SKColor MetricColor(int index) => MetricColorCycle[index % MetricColorCycle.Length];

    /// <summary>The chart of <paramref name="history"/>; validations are placed by epoch when <paramref name="byEpoch"/>, else by iteration.</summary>
    public static LineChart Build(ScalarHistory history, bool byEpoch)
    {
        ArgumentNullException.ThrowIfNull(history);
        var loss = new LineSeries("loss", LossColor, [.. history.Train.Where(record => record.Loss is not null).Select(record => new DataPoint(record.Iteration, record.Loss!.Value))]);
        var learningRate = new LineSeries("lr", LearningRateColor, [.. history.Train.Where(record => record.LearningRate is not null).Select(record => new DataPoint(record.Iteration, record.LearningRate!.Value))]);
        var training = new ChartPanel("Training loss", "iteration", "loss", [loss])
        {
            SecondarySeries = [learningRate],
            SecondaryYLabel = "learning rate",
            EmptyText = "no training iteration logged",
            MinimumXStep = 1,
        };

        var metrics = history.MetricNames.Select((name, index) => new LineSeries(
            name,
            MetricColor(index),
            [.. history.Validation.Where(record => record.Metrics.ContainsKey(name)).Select(record => new DataPoint(byEpoch ? record.Epoch : record.Iteration, record.Metrics[name]))])
        {
            Markers = true,
        }).ToList();
        var allAccuracies = history.MetricNames.Count > 0 && history.MetricNames.All(name => name.StartsWith("accuracy/", StringComparison.Ordinal));
        var validation = new ChartPanel("Validation", byEpoch ? "epoch" : "iteration", allAccuracies ? "accuracy (%)" : "value", metrics)
        {
            EmptyText = "no validation yet",
            MinimumXStep = 1,
        };

        return new LineChart(Width, PanelHeight, [training, validation]);
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
            using var bitmap = Build(history, byEpoch).Render();
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
}
