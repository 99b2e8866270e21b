using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Charts;
using ImageClassifier.Engine.Logging;
using ScottPlot;
using ScottPlot.Plottables;
using SkiaSharp;

namespace ImageClassifier.Engine.Tests.Engine.Charts;

[Collection(TrainingCollection.Name)]
public sealed class TrainingCurvesTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    [Fact]
    public void Loss_and_rate_are_plotted_by_iteration_and_validation_by_epoch_or_iteration()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "train", "epoch": 1, "iter": 10, "loss": 2.0, "lr": 0.1}""",
            """{"mode": "train", "epoch": 2, "iter": 20, "loss": 1.0, "lr": 0.01}""",
            """{"mode": "val", "epoch": 1, "iter": 10, "accuracy/top1": 50, "accuracy/top5": 90}""",
            """{"mode": "val", "epoch": 2, "iter": 20, "accuracy/top1": 70, "accuracy/top5": 95}""",
        ]);

        var byEpoch = TrainingCurves.Build(history, byEpoch: true).GetPlots();
        var byIteration = TrainingCurves.Build(history, byEpoch: false).GetPlots();

        Assert.Equal(2, byEpoch.Length);
        var (training, validation) = (byEpoch[0], byEpoch[1]);
        Assert.Equal("Training loss", training.Axes.Title.Label.Text);
        Assert.Equal(("iteration", "loss", "learning rate"), (training.Axes.Bottom.Label.Text, training.Axes.Left.Label.Text, training.Axes.Right.Label.Text));
        var loss = Series(training, "loss");
        var rate = Series(training, "lr (right)");
        Assert.Equal([new Coordinates(10, 2.0), new Coordinates(20, 1.0)], loss.Data.GetScatterPoints());
        Assert.Equal([new Coordinates(10, 0.1), new Coordinates(20, 0.01)], rate.Data.GetScatterPoints());
        Assert.NotSame(training.Axes.Right, loss.Axes.YAxis);
        Assert.Same(training.Axes.Right, rate.Axes.YAxis);
        Assert.Equal(ToColor(TrainingCurves.LossColor), loss.Color);
        Assert.Equal(ToColor(TrainingCurves.LearningRateColor), rate.Color);

        Assert.Equal("Validation", validation.Axes.Title.Label.Text);
        Assert.Equal(("epoch", "accuracy (%)"), (validation.Axes.Bottom.Label.Text, validation.Axes.Left.Label.Text));
        Assert.Equal([new Coordinates(1, 50), new Coordinates(2, 70)], Series(validation, "accuracy/top1").Data.GetScatterPoints());
        Assert.Equal([new Coordinates(1, 90), new Coordinates(2, 95)], Series(validation, "accuracy/top5").Data.GetScatterPoints());
        Assert.Equal(ToColor(TrainingCurves.MetricColor(0)), Series(validation, "accuracy/top1").Color);
        Assert.Equal("iteration", byIteration[1].Axes.Bottom.Label.Text);
        Assert.Equal([new Coordinates(10, 50), new Coordinates(20, 70)], Series(byIteration[1], "accuracy/top1").Data.GetScatterPoints());
    }

    [Fact]
    public void The_stacked_plots_share_their_left_and_right_edges_and_an_empty_one_says_so()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "train", "epoch": 1, "iter": 10, "loss": 2000.0, "lr": 0.1}""",
            """{"mode": "train", "epoch": 1, "iter": 20, "loss": 1000.0, "lr": 0.05}""",
        ]);
        var chart = TrainingCurves.Build(history, byEpoch: true);

        using var image = RenderAndDecode(chart);

        var (training, validation) = (chart.GetPlot(0).LastRender.DataRect, chart.GetPlot(1).LastRender.DataRect);
        Assert.Equal(training.Left, validation.Left);
        Assert.Equal(training.Right, validation.Right);
        Assert.True(validation.Top >= TrainingCurves.PanelHeight);
        Assert.Empty(chart.GetPlot(1).GetPlottables<Scatter>());
        Assert.Contains(Pixels(image, Around(validation.Center, 60, 8)), IsInk);
        Assert.DoesNotContain(Pixels(image, ToRect(validation)), color => color == TrainingCurves.MetricColor(0));
    }

    [Fact]
    public void A_single_validation_is_shown_as_a_marker()
    {
        var history = ScalarHistory.Parse([
            """{"mode": "train", "epoch": 1, "iter": 10, "loss": 2.0, "lr": 0.1}""",
            """{"mode": "val", "epoch": 1, "iter": 10, "accuracy/top1": 42}""",
        ]);
        var chart = TrainingCurves.Build(history, byEpoch: true);

        using var image = RenderAndDecode(chart);

        var center = chart.GetPlot(1).GetPixel(new Coordinates(1, 42));
        Assert.All(Pixels(image, Around(center, 2, 2)), color => Assert.Equal(TrainingCurves.MetricColor(0), color));
    }

    [Fact]
    public void A_training_run_leaves_curves_png_with_both_panels_drawn()
    {
        var workDir = experiment.WorkDir();
        using var output = new StringWriter();
        using (var runner = new ImageClassifier.Engine.Runner(experiment.Read(), experiment.Options(workDir, output: output)))
        {
            runner.Train();
        }

        var path = Path.Combine(workDir, TrainingCurves.FileName);
        Assert.Contains($"Training curves: {path}", output.ToString());
        using var image = SKBitmap.Decode(path);
        Assert.NotNull(image);
        Assert.Equal(TrainingCurves.Width, image.Width);
        Assert.Equal(2 * TrainingCurves.PanelHeight, image.Height);
        // The same history laid out again tells where each plot's data area is in the file.
        var chart = TrainingCurves.Build(ScalarHistory.Read(Path.Combine(workDir, ScalarLog.FileName)), byEpoch: true);
        TrainingCurves.Render(chart).Dispose();
        var (training, validation) = (ToRect(chart.GetPlot(0).LastRender.DataRect), ToRect(chart.GetPlot(1).LastRender.DataRect));
        Assert.Contains(Pixels(image, training), color => color == TrainingCurves.LossColor);
        Assert.Contains(Pixels(image, training), color => color == TrainingCurves.LearningRateColor);
        Assert.Contains(Pixels(image, validation), color => color == TrainingCurves.MetricColor(0));
        Assert.DoesNotContain(Pixels(image, validation), color => color == TrainingCurves.LossColor);
        // Two validations, after epochs 1 and 2: whole epochs only on the axis.
        Assert.All(chart.GetPlot(1).Axes.Bottom.TickGenerator.Ticks.Where(tick => tick.IsMajor), tick => Assert.Equal(Math.Round(tick.Position), tick.Position));
    }

    [Fact]
    public void A_resumed_run_draws_the_whole_history()
    {
        var workDir = experiment.WorkDir();
        experiment.Train(workDir, null, default, "train_cfg.max_epochs=1");
        experiment.Train(workDir, ImageClassifier.Engine.RunnerOptions.ResumeLatest, default, "train_cfg.max_epochs=2");

        var history = ScalarHistory.Read(Path.Combine(workDir, ScalarLog.FileName));
        var chart = TrainingCurves.Build(history, byEpoch: true);

        Assert.Equal([2L, 4, 6, 8, 10, 12, 14, 16], history.Train.Select(record => record.Iteration));
        Assert.Equal([1L, 2], history.Validation.Select(record => record.Epoch));
        Assert.Equal([.. history.Train.Select(record => new Coordinates(record.Iteration, record.Loss!.Value))], Series(chart.GetPlot(0), "loss").Data.GetScatterPoints());
        Assert.True(File.Exists(Path.Combine(workDir, TrainingCurves.FileName)));
    }

    [Fact]
    public void A_run_stopped_by_ctrl_c_still_leaves_its_curves()
    {
        var workDir = experiment.WorkDir();
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var (result, _) = experiment.Train(workDir, null, stop.Token);

        Assert.False(result.Completed);
        using var image = SKBitmap.Decode(Path.Combine(workDir, TrainingCurves.FileName));
        Assert.Equal(TrainingCurves.Width, image.Width);
    }

    [Fact]
    public void A_chart_that_cannot_be_written_is_a_warning_and_training_still_succeeds()
    {
        var workDir = experiment.WorkDir();
        Directory.CreateDirectory(Path.Combine(workDir, TrainingCurves.FileName));
        using var output = new StringWriter();
        ImageClassifier.Engine.TrainingResult result;
        using (var runner = new ImageClassifier.Engine.Runner(experiment.Read("train_cfg.max_epochs=1"), experiment.Options(workDir, output: output)))
        {
            result = runner.Train();
        }

        Assert.True(result.Completed);
        Assert.Contains("warning: could not draw the training curves", output.ToString());
        Assert.Contains(Path.Combine(workDir, TrainingCurves.FileName), output.ToString());
        Assert.DoesNotContain("Training curves:", output.ToString());
    }

    private static Scatter Series(Plot plot, string name) =>
        Assert.Single(plot.GetPlottables<Scatter>(), scatter => scatter.LegendText == name);

    private static Color ToColor(SKColor color) => new(color.Red, color.Green, color.Blue, color.Alpha);

    private SKBitmap RenderAndDecode(Multiplot chart)
    {
        using var bitmap = TrainingCurves.Render(chart);
        var path = Path.Combine(experiment.WorkDir(), "chart.png");
        PngFile.Write(bitmap, path);
        return SKBitmap.Decode(path);
    }

    private static SKRectI ToRect(PixelRect rect) => new((int)rect.Left, (int)rect.Top, (int)rect.Right, (int)rect.Bottom);

    private static SKRectI Around(Pixel center, int halfWidth, int halfHeight) =>
        new((int)MathF.Round(center.X) - halfWidth, (int)MathF.Round(center.Y) - halfHeight, (int)MathF.Round(center.X) + halfWidth + 1, (int)MathF.Round(center.Y) + halfHeight + 1);

    private static bool IsInk(SKColor color) => color.Red < 200 && color.Green < 200 && color.Blue < 200;

    private static IEnumerable<SKColor> Pixels(SKBitmap image, SKRectI area)
    {
        for (var y = Math.Max(0, area.Top); y < Math.Min(image.Height, area.Bottom); y++)
        {
            for (var x = Math.Max(0, area.Left); x < Math.Min(image.Width, area.Right); x++)
            {
                yield return image.GetPixel(x, y);
            }
        }
    }
}
