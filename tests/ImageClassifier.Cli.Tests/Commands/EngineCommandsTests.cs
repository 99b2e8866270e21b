using System.Text.Json;
using ImageClassifier.Data.Images;
using ImageClassifier.Cli.Tests.TestHelpers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Engine.Charts;
using SkiaSharp;
using static ImageClassifier.Cli.Tests.TestHelpers.InProcessIcls;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary>icls train, test and infer, run in-process on the tiny experiment.</summary>
[Collection(TrainingCollection.Name)]
public sealed class EngineCommandsTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    private string TrainedCheckpoint(string workDir) => InProcessIcls.TrainedCheckpoint(experiment.ConfigPath, workDir);

    [Fact]
    public void Train_logs_progress_and_ends_with_the_test_accuracy()
    {
        var workDir = experiment.WorkDir();

        var run = Icls("train", experiment.ConfigPath, "--work-dir", workDir, "--threads", "1", "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Epoch(train) [1][2/8]", run.Output);
        Assert.Contains("Epoch(val) [2]", run.Output);
        Assert.Contains("Training finished: 2 epoch(s), 16 iterations", run.Output);
        Assert.Matches(@"Test \(32 images\): accuracy/top1: \d+\.\d\d  accuracy/top5: \d+\.\d\d", run.Output);
        Assert.Contains($"Training curves: {Path.Combine(workDir, TrainingCurves.FileName)}", run.Output);
        Assert.DoesNotContain('\r', run.Output);
    }

    [Fact]
    public void Train_reports_config_errors_with_their_location()
    {
        var run = Icls("train", experiment.ConfigPath, "--cfg-options", "train_cfg.max_epochs=0");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("$.train_cfg.max_epochs", run.Error);
        Assert.Contains("at least 1", run.Error);
    }

    [Fact]
    public void Train_refuses_a_device_libtorch_lacks()
    {
        var run = Icls("train", experiment.ConfigPath, "--work-dir", experiment.WorkDir(), "--device", "cuda:0");

        if (TorchSharp.torch.cuda.is_available())
        {
            return;
        }

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("CUDA", run.Error);
    }

    [Fact]
    public void Test_prints_metrics_per_class_accuracy_and_the_confusion_matrix()
    {
        var workDir = experiment.WorkDir();
        var checkpoint = TrainedCheckpoint(workDir);

        var table = Icls("test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--device", "cpu", "--threads", "1");
        var json = Icls("test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--json", "--threads", "1");

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("accuracy/top1", table.Output);
        Assert.Contains("accuracy/top5", table.Output);
        Assert.Contains("Per-class accuracy", table.Output);
        Assert.Contains("Confusion matrix", table.Output);
        Assert.Contains("3 - three", table.Output);
        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        var root = document.RootElement;
        Assert.Equal(32, root.GetProperty("samples").GetInt64());
        Assert.InRange(root.GetProperty("metrics").GetProperty("accuracy/top1").GetDouble(), 0, 100);
        var matrix = root.GetProperty("confusion_matrix").EnumerateArray().Select(row => row.EnumerateArray().Sum(cell => cell.GetInt64())).ToList();
        Assert.Equal(10, matrix.Count);
        Assert.Equal([8L, 8, 8, 8, 0, 0, 0, 0, 0, 0], matrix);
    }

    [Fact]
    public void Test_shows_per_class_metrics_in_the_table_and_every_metric_in_json()
    {
        var workDir = experiment.WorkDir();
        var checkpoint = TrainedCheckpoint(workDir);
        string[] evaluator = ["--cfg-options", "test_evaluator=[{\"type\": \"Accuracy\"}, {\"type\": \"SingleLabelMetric\", \"average\": null}, {\"type\": \"ConfusionMatrix\"}]"];

        var table = Icls(["test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--threads", "1", .. evaluator]);
        var json = Icls(["test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--json", "--threads", "1", .. evaluator]);

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("single-label/precision_classwise", table.Output);
        Assert.Contains("single-label/f1-score_classwise", table.Output);

        // The ConfusionMatrix metric's counts are the table's: not printed twice.
        Assert.DoesNotContain("confusion_matrix/result", table.Output);
        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        var metrics = document.RootElement.GetProperty("metrics");
        Assert.Equal(10, metrics.GetProperty("single-label/recall_classwise").GetArrayLength());
        Assert.Equal(Rows(document.RootElement.GetProperty("confusion_matrix")), Rows(metrics.GetProperty("confusion_matrix/result")));
        Assert.InRange(metrics.GetProperty("accuracy/top1").GetDouble(), 0, 100);
    }

    [Fact]
    public void Test_with_tta_scores_the_views_of_tta_pipeline()
    {
        var workDir = experiment.WorkDir();
        var checkpoint = TrainedCheckpoint(workDir);

        // Views of two sizes cannot be batched: the error shows that --tta reads tta_pipeline, and only it does.
        string[] sizes = ["--cfg-options", "tta_pipeline=[{\"type\": \"TestTimeAug\", \"transforms\": [[{\"type\": \"Resize\", \"scale\": [16, 16]}, {\"type\": \"Resize\", \"scale\": [12, 12]}]]}]"];
        var plain = Icls(["test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--json", "--threads", "1", .. sizes]);
        var refused = Icls(["test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--tta", "--threads", "1", .. sizes]);
        var flipped = Icls("test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--tta", "--json", "--threads", "1");

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.NotEqual(ExitCodes.Ok, refused.ExitCode);
        Assert.Contains("The test-time views of a batch must have one shape", refused.Error);
        Assert.Contains("view 2 of", refused.Error);
        Assert.True(flipped.ExitCode == 0, flipped.Error);
        using var document = JsonDocument.Parse(flipped.Output);
        Assert.Equal(32, document.RootElement.GetProperty("samples").GetInt64());
    }

    [Fact]
    public void Test_draws_the_confusion_matrix_in_the_work_dir_or_where_asked()
    {
        var workDir = experiment.WorkDir();
        var checkpoint = TrainedCheckpoint(workDir);
        var asked = Path.Combine(experiment.Root, "charts", "matrix.png");
        var configWorkDir = experiment.WorkDir("from-config");

        var table = Icls("test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--threads", "1");
        var json = Icls("test", experiment.ConfigPath, checkpoint, "--confusion-matrix", asked, "--json", "--threads", "1");
        var configured = Icls("test", experiment.ConfigPath, checkpoint, "--threads", "1", "--cfg-options", $"work_dir={configWorkDir}");

        Assert.True(table.ExitCode == 0, table.Error);
        var inWorkDir = Path.Combine(workDir, ConfusionMatrixChart.DefaultFileName);
        Assert.Contains($"Confusion matrix PNG: {inWorkDir}", table.Output);
        AssertConfusionMatrixPng(inWorkDir);
        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(asked, document.RootElement.GetProperty("confusion_matrix_png").GetString());
        AssertConfusionMatrixPng(asked);
        Assert.True(configured.ExitCode == 0, configured.Error);
        AssertConfusionMatrixPng(Path.Combine(configWorkDir, ConfusionMatrixChart.DefaultFileName));
    }

    [Fact]
    public void Test_with_a_confusion_matrix_path_that_cannot_be_written_fails_naming_it()
    {
        var checkpoint = TrainedCheckpoint(experiment.WorkDir());
        var blocker = Path.Combine(experiment.Root, "a-file");
        File.WriteAllText(blocker, "in the way");
        var path = Path.Combine(blocker, "charts", "matrix.png");

        var run = Icls("test", experiment.ConfigPath, checkpoint, "--confusion-matrix", path, "--threads", "1");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains($"error: Cannot write the PNG '{path}'", run.Error);
        Assert.DoesNotContain("Per-class accuracy", run.Output);
    }

    private static void AssertConfusionMatrixPng(string path)
    {
        using (var codec = SKCodec.Create(path))
        {
            Assert.NotNull(codec);
            Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        }

        // Ten classes of 56-pixel cells; classes 4 to 9 have no test images, so their rows are the lightest shade.
        using var image = SKBitmap.Decode(path);
        Assert.True(image.Width > 10 * 56 && image.Height > 10 * 56, $"{image.Width} x {image.Height}");
        Assert.Contains(image.Pixels, color => color == ConfusionMatrixChart.Lightest);
    }

    [Fact]
    public void Infer_classifies_files_and_folders_with_top_k()
    {
        var checkpoint = TrainedCheckpoint(experiment.WorkDir());
        var images = Path.Combine(experiment.Root, "images");
        Directory.CreateDirectory(images);
        var random = new Random(5);
        for (var label = 0; label < 3; label++)
        {
            ImageCodec.WritePng(new ImageData(Fixtures.ToyImage(label, 16, random), 1, 16, 16), Path.Combine(images, $"toy{label}.png"));
        }

        var json = Icls("infer", experiment.ConfigPath, checkpoint, images, "--topk", "3", "--json", "--device", "cpu");
        var table = Icls("infer", experiment.ConfigPath, checkpoint, Path.Combine(images, "toy1.png"), "--topk", "2");

        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        var results = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.EndsWith("toy0.png", results[0].GetProperty("source").GetString());
        foreach (var result in results)
        {
            var top = result.GetProperty("top_k").EnumerateArray().ToList();
            Assert.Equal(3, top.Count);
            Assert.Equal(result.GetProperty("pred_label").GetInt32(), top[0].GetProperty("label").GetInt32());
            Assert.True(top[0].GetProperty("score").GetDouble() >= top[1].GetProperty("score").GetDouble());
            Assert.Contains(" - ", result.GetProperty("pred_class").GetString());
        }

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("toy1.png", table.Output);
        Assert.Contains("top-2", table.Output);
    }

    [Fact]
    public void Infer_names_a_missing_image()
    {
        var checkpoint = TrainedCheckpoint(experiment.WorkDir());

        var run = Icls("infer", experiment.ConfigPath, checkpoint, "/no/such/image.png");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("/no/such/image.png", run.Error);
    }

    private static long[][] Rows(JsonElement matrix) => [.. matrix.EnumerateArray().Select(row => row.EnumerateArray().Select(cell => cell.GetInt64()).ToArray())];
}
