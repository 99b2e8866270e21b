using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Charts;
using ImageClassifier.Engine.Logging;
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

        var byEpoch = TrainingCurves.Build(history, byEpoch: true);
        var byIteration = TrainingCurves.Build(history, byEpoch: false);

        Assert.Equal(TrainingCurves.Width, byEpoch.Width);
        Assert.Equal(2 * TrainingCurves.PanelHeight, byEpoch.Height);
        var training = byEpoch.Layouts[0];
        Assert.True(training.X.Minimum <= 10 && training.X.Maximum >= 20);
        Assert.True(training.Y.Minimum <= 1 && training.Y.Maximum >= 2);
        Assert.NotNull(training.SecondaryY);
        Assert.True(training.SecondaryY.Minimum <= 0.01 && training.SecondaryY.Maximum >= 0.1 && training.SecondaryY.Maximum < 1);
        Assert.True(byEpoch.Layouts[1].X.Maximum is >= 2 and < 10);
        Assert.True(byIteration.Layouts[1].X.Maximum >= 20);
        Assert.True(byEpoch.Layouts[1].Y.Minimum <= 50 && byEpoch.Layouts[1].Y.Maximum >= 95);
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
        var chart = TrainingCurves.Build(ScalarHistory.Read(Path.Combine(workDir, ScalarLog.FileName)), byEpoch: true);
        Assert.Contains(Pixels(image, chart.Layouts[0].PlotArea), color => color == TrainingCurves.LossColor);
        Assert.Contains(Pixels(image, chart.Layouts[0].PlotArea), color => color == TrainingCurves.LearningRateColor);
        Assert.Contains(Pixels(image, chart.Layouts[1].PlotArea), color => color == TrainingCurves.MetricColor(0));
        Assert.DoesNotContain(Pixels(image, chart.Layouts[1].PlotArea), color => color == TrainingCurves.LossColor);
        // Two validations, after epochs 1 and 2: whole epochs only on the axis.
        Assert.All(chart.Layouts[1].X.Ticks, tick => Assert.Equal(Math.Round(tick), tick));
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
        Assert.True(chart.Layouts[0].X.Minimum <= 2 && chart.Layouts[0].X.Maximum >= 16);
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

    private static IEnumerable<SKColor> Pixels(SKBitmap image, SKRectI area)
    {
        for (var y = area.Top; y < area.Bottom; y++)
        {
            for (var x = area.Left; x < area.Right; x++)
            {
                yield return image.GetPixel(x, y);
            }
        }
    }
}
