using System.Text.Json;
using ImageClassifier.Data.Images;
using ImageClassifier.Cli.Tests.TestHelpers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Models.Weights;
using static TorchSharp.torch;
using static ImageClassifier.Cli.Tests.TestHelpers.InProcessIcls;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary>icls train, test and infer against checkpoints that do not fit, bad image files and impossible top-k, in-process.</summary>
[Collection(TrainingCollection.Name)]
public sealed class EngineCommandsHostileInputTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    private string TrainedCheckpoint(string workDir) => InProcessIcls.TrainedCheckpoint(experiment.ConfigPath, workDir, "--no-test");

    [Fact]
    public void Test_and_infer_refuse_a_checkpoint_with_another_class_count_but_fine_tuning_adapts_the_head()
    {
        var checkpoint = TrainedCheckpoint(experiment.WorkDir());
        var image = Path.Combine(experiment.Root, "one.png");
        ImageCodec.WritePng(new ImageData(Fixtures.ToyImage(1, 16, new Random(1)), 1, 16, 16), image);

        var test = Icls("test", experiment.ConfigPath, checkpoint, "--threads", "1", "--cfg-options", "model.head.num_classes=5");
        var infer = Icls("infer", experiment.ConfigPath, checkpoint, image, "--cfg-options", "model.head.num_classes=5");
        var fineTune = Icls("train", experiment.ConfigPath, "--work-dir", experiment.WorkDir("fine-tune"), "--threads", "1", "--no-test",
            "--cfg-options", "model.head.num_classes=5", $"load_from={checkpoint}", "train_cfg.max_epochs=1");

        foreach (var refused in new[] { test, infer })
        {
            Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
            Assert.Contains(checkpoint, refused.Error);
            Assert.Contains("head.fc.weight: the module has [5, 8], the checkpoint [10, 8]", refused.Error);
            Assert.Contains("head.fc.bias: the module has [5], the checkpoint [10]", refused.Error);
            Assert.DoesNotContain("accuracy/top1", refused.Output);
        }

        Assert.True(fineTune.ExitCode == 0, fineTune.Error);
        Assert.Contains("head adapted for fine-tuning: head.fc has 10 classes in the checkpoint, 5 in the model; head.fc.weight checkpoint [10, 8] -> model [5, 8]; head.fc.bias checkpoint [10] -> model [5]", fineTune.Output);
    }

    [Fact]
    public void Load_from_a_checkpoint_that_matches_nothing_is_refused()
    {
        var foreign = Path.Combine(experiment.Root, "foreign.pth");
        using (var other = nn.Sequential(("stem", nn.Linear(3, 4)), ("fc", nn.Linear(4, 2))))
        {
            ModelWeights.Save(other, foreign);
        }

        var workDir = experiment.WorkDir();
        var run = Icls("train", experiment.ConfigPath, "--work-dir", workDir, "--threads", "1", "--cfg-options", $"load_from={foreign}");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(foreign, run.Error);
        Assert.Contains("None of the checkpoint's 4 tensors fits the model's", run.Error);
        Assert.Contains("unexpected keys: stem.weight, stem.bias, fc.weight, fc.bias", run.Error);
        Assert.Contains("missing keys: ", run.Error);
        Assert.DoesNotContain("Training finished", run.Output);
        Assert.Empty(Directory.GetFiles(workDir, "*.pth"));
    }

    [Fact]
    public void Infer_classifies_every_good_file_and_names_each_bad_one()
    {
        var checkpoint = TrainedCheckpoint(experiment.WorkDir());
        var images = Path.Combine(experiment.Root, "images");
        Directory.CreateDirectory(images);
        var random = new Random(5);
        for (var label = 0; label < 3; label++)
        {
            ImageCodec.WritePng(new ImageData(Fixtures.ToyImage(label, 16, random), 1, 16, 16), Path.Combine(images, $"toy{label}.png"));
        }

        var broken = Path.Combine(images, "toy1b.png");
        File.WriteAllText(broken, "not a PNG at all");
        var missing = Path.Combine(experiment.Root, "nowhere.png");

        var json = Icls("infer", experiment.ConfigPath, checkpoint, images, missing, "--json", "--topk", "2");
        var table = Icls("infer", experiment.ConfigPath, checkpoint, images);

        Assert.Equal(ExitCodes.Failure, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        var entries = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(
            ["toy0.png", "toy1.png", "toy1b.png", "toy2.png", "nowhere.png"],
            entries.Select(entry => Path.GetFileName(entry.GetProperty("source").GetString())));
        Assert.All(entries.Where((_, index) => index is 0 or 1 or 3), entry => Assert.Equal(2, entry.GetProperty("top_k").GetArrayLength()));
        Assert.False(entries[2].TryGetProperty("pred_label", out _));
        Assert.StartsWith("cannot read it as an image", entries[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("it is neither an image file nor a folder", entries[4].GetProperty("error").GetString());
        AssertOneErrorLineNaming(json.Error, broken);
        AssertOneErrorLineNaming(json.Error, missing);
        Assert.Contains("2 of 5 image(s) could not be classified", json.Error);

        Assert.Equal(ExitCodes.Failure, table.ExitCode);
        Assert.Contains("toy0.png", table.Output);
        Assert.Contains("toy2.png", table.Output);
        AssertOneErrorLineNaming(table.Error, broken);
    }

    // One "error:" line per bad file, naming it once (decoder messages carry the name themselves).
    private static void AssertOneErrorLineNaming(string stderr, string file)
    {
        var line = Assert.Single(stderr.Split('\n'), candidate => candidate.StartsWith("error: ", StringComparison.Ordinal) && candidate.Contains(file, StringComparison.Ordinal));
        Assert.Equal(1, line.Split(file).Length - 1);
    }

    [Fact]
    public void Topk_above_the_class_count_is_a_clear_error_on_the_command_line_and_in_the_config()
    {
        var checkpoint = TrainedCheckpoint(experiment.WorkDir());
        var image = Path.Combine(experiment.Root, "one.png");
        ImageCodec.WritePng(new ImageData(Fixtures.ToyImage(2, 16, new Random(2)), 1, 16, 16), image);

        var infer = Icls("infer", experiment.ConfigPath, checkpoint, image, "--topk", "11");
        var test = Icls("test", experiment.ConfigPath, checkpoint, "--threads", "1", "--cfg-options", "test_evaluator.topk=[1,12]");

        Assert.Equal(ExitCodes.BadInput, infer.ExitCode);
        Assert.Contains("--topk 11 is not possible: the model scores 10 classes, so --topk must be between 1 and 10.", infer.Error);
        Assert.Equal(ExitCodes.BadInput, test.ExitCode);
        Assert.Contains("$.test_evaluator.topk", test.Error);
        Assert.Contains("top-12 needs at least 12 classes, but the model has 10", test.Error);
        Assert.DoesNotContain("out of range", test.Error);
    }

    [Fact]
    public void Labels_outside_num_classes_exit_2_naming_the_sample()
    {
        var run = Icls("train", experiment.ConfigPath, "--work-dir", experiment.WorkDir(), "--threads", "1",
            "--cfg-options", "model.head.num_classes=2", "model.head.topk=[1]", "val_evaluator.topk=[1]", "test_evaluator.topk=[1]");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Matches(@"error: MNIST dataset \(train_dataloader\.dataset\): sample \d+ \(.*train-images.*#\d+\) has label [23], but the model has num_classes 2 \(labels 0 to 1\)", run.Error);
        Assert.DoesNotContain("out of bounds", run.Error);
    }
}
