using System.Text.Json;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Logging;

namespace ImageClassifier.Engine.Tests.Engine.Logging;

[Collection(TrainingCollection.Name)]
public sealed class TrainingLogTests : IDisposable
{
    // TensorBoard finds event files by "tfevents" in the name; the first event names the format.
    private const string EventFilePrefix = "events.out.tfevents.";
    private const string FileVersion = "brain.Event:2";

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Train_and_val_numbers_become_scalars_at_their_iteration_and_the_jsonl_is_unchanged()
    {
        Dictionary<string, object?>[] records =
        [
            new() { ["mode"] = "start", ["time"] = "2025-01-01T00:00:00", ["seed"] = 3, ["resumed_from"] = null },
            new() { ["mode"] = "train", ["epoch"] = 1, ["iter"] = 20, ["epoch_iter"] = 20, ["lr"] = 0.1, ["loss"] = 0.75, ["loss_cls"] = 0.5, ["time"] = 0.25, ["data_time"] = 0.01, ["images_per_s"] = 950.5 },
            new() { ["mode"] = "val", ["epoch"] = 1, ["iter"] = 20, ["accuracy/top1"] = 90.25, ["accuracy/top5"] = 99.5, ["time_s"] = 1.5 },
            new() { ["mode"] = "end", ["epoch"] = 1, ["iter"] = 20, ["elapsed_s"] = 12.5, ["last_checkpoint"] = "epoch_1.pth" },
        ];
        var workDir = folder.Combine("work");
        var jsonOnly = folder.Combine("json-only");
        Directory.CreateDirectory(workDir);
        Directory.CreateDirectory(jsonOnly);
        const long trainTime = 1_700_000_000_900_000;
        const long validationTime = 1_700_000_002_100_000;

        string eventFolder;
        var clock = new SteppingClock([trainTime, validationTime]);
        using (var log = new TrainingLog(workDir, clock))
        using (var scalarLog = new ScalarLog(jsonOnly))
        {
            eventFolder = log.EventFolder;
            foreach (var record in records)
            {
                log.Write(record);
                scalarLog.Write(record);
            }
        }

        Assert.Equal(0, clock.Remaining);
        Assert.Equal(File.ReadAllText(Path.Combine(jsonOnly, ScalarLog.FileName)), File.ReadAllText(Path.Combine(workDir, ScalarLog.FileName)));
        Assert.Equal(Path.Combine(workDir, TrainingLog.TensorBoardFolder), eventFolder);
        var eventFile = Assert.Single(Directory.GetFiles(eventFolder));
        Assert.StartsWith(EventFilePrefix, Path.GetFileName(eventFile), StringComparison.Ordinal);
        var events = EventFileReader.Read(eventFile);
        Assert.Equal(FileVersion, events[0].FileVersion);
        Assert.All(events.Skip(1), e => Assert.Equal(20, e.Step));
        Assert.Equal(
            [("train/lr", 0.1f), ("train/loss", 0.75f), ("train/loss_cls", 0.5f), ("train/time", 0.25f), ("train/data_time", 0.01f), ("train/images_per_s", 950.5f),
             ("val/accuracy/top1", 90.25f), ("val/accuracy/top5", 99.5f), ("val/time_s", 1.5f)],
            events.Skip(1).SelectMany(e => e.Scalars));
        // Each record's scalars carry its clock time, in the whole seconds TorchSharp writes.
        Assert.Equal([.. Enumerable.Repeat(1_700_000_000.0, 6), .. Enumerable.Repeat(1_700_000_002.0, 3)], events.Skip(1).Select(e => e.WallTime));
    }

    [Fact]
    public void Each_scalar_is_in_the_file_before_the_log_is_closed()
    {
        using var log = new TrainingLog(folder.Path);

        log.Write(new Dictionary<string, object?> { ["mode"] = "train", ["iter"] = 10, ["loss"] = 1.25 });

        var events = EventFileReader.Read(Assert.Single(Directory.GetFiles(log.EventFolder)));
        Assert.Equal(2, events.Count);
        Assert.Equal(10, events[1].Step);
        Assert.Equal([("train/loss", 1.25f)], events[1].Scalars);
    }

    [Fact]
    public void A_second_log_in_the_same_work_dir_starts_an_event_file_of_its_own()
    {
        using var first = new TrainingLog(folder.Path);
        using var second = new TrainingLog(folder.Path);

        first.Write(new Dictionary<string, object?> { ["mode"] = "train", ["iter"] = 1, ["loss"] = 2.0 });
        second.Write(new Dictionary<string, object?> { ["mode"] = "train", ["iter"] = 2, ["loss"] = 1.0 });

        var files = Directory.GetFiles(first.EventFolder);
        Assert.Equal(2, files.Length);
        Assert.Equal(
            [[(1L, "train/loss", 2f)], [(2L, "train/loss", 1f)]],
            files.Select(file => EventFileReader.Read(file).Skip(1).SelectMany(e => e.Scalars.Select(scalar => (e.Step, scalar.Tag, scalar.Value))).ToList())
                .OrderBy(scalars => scalars[0].Step));
    }

    [Fact]
    public void A_training_run_and_its_resumption_log_the_jsonl_losses_and_accuracies_to_tensorboard()
    {
        using var experiment = new TinyExperiment();
        var workDir = experiment.WorkDir();
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        experiment.Train(workDir, cfgOptions: ["train_cfg.max_epochs=1"]);
        experiment.Train(workDir, resume: RunnerOptions.ResumeLatest);

        var records = File.ReadAllLines(Path.Combine(workDir, ScalarLog.FileName)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var files = Directory.GetFiles(Path.Combine(workDir, TrainingLog.TensorBoardFolder));
        Assert.Equal(2, files.Length);
        Assert.All(files, file => Assert.StartsWith(EventFilePrefix, Path.GetFileName(file), StringComparison.Ordinal));
        var events = files.SelectMany(EventFileReader.Read).ToList();
        Assert.Equal(2, events.Count(e => e.FileVersion == FileVersion));
        var finished = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // TorchSharp stamps the file-version event in .NET ticks, not Unix seconds; the scalars' times are real.
        Assert.All(events.Where(e => e.FileVersion is null), e => Assert.InRange(e.WallTime, started, finished + 1));
        var scalars = events.SelectMany(e => e.Scalars.Select(scalar => (e.Step, scalar.Tag, scalar.Value))).ToList();

        var train = records.Where(record => record.GetProperty("mode").GetString() == "train").ToList();
        var validations = records.Where(record => record.GetProperty("mode").GetString() == "val").ToList();
        Assert.Equal(8, train.Count);
        Assert.Equal(2, validations.Count);
        foreach (var record in train)
        {
            var step = record.GetProperty("iter").GetInt64();
            Assert.Contains((step, "train/loss", (float)record.GetProperty("loss").GetDouble()), scalars);
            Assert.Contains((step, "train/lr", (float)record.GetProperty("lr").GetDouble()), scalars);
        }

        foreach (var record in validations)
        {
            Assert.Contains((record.GetProperty("iter").GetInt64(), "val/accuracy/top1", (float)record.GetProperty("accuracy/top1").GetDouble()), scalars);
        }

        Assert.Equal(train.Count, scalars.Count(scalar => scalar.Tag == "train/loss"));
        Assert.Equal(validations.Count, scalars.Count(scalar => scalar.Tag == "val/accuracy/top1"));
        Assert.DoesNotContain(scalars, scalar => scalar.Tag.EndsWith("/epoch", StringComparison.Ordinal) || scalar.Tag.EndsWith("/iter", StringComparison.Ordinal));
    }
}
