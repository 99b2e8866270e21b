using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Runtime;
using SkiaSharp;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary>
/// A normal session of the real <c>icls</c>, each command its own process as a user runs it, writes
/// nothing on stderr: no libtorch, oneDNN, OpenMP, NNPACK, .NET or SkiaSharp line a user cannot act
/// on. The first process starts from an empty icls home, so the convolution check runs as on a new
/// machine; <c>test</c> runs with oneDNN off and batches of 16, where libtorch considers NNPACK
/// (on a CPU NNPACK refuses, that is where its "Unsupported hardware" line used to appear).
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class QuietStderrTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(120);
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    [Fact]
    public async Task Train_test_infer_and_validate_write_nothing_on_stderr()
    {
        var home = Path.Combine(experiment.Root, "icls-home");
        var workDir = experiment.WorkDir();
        var images = Path.Combine(experiment.Root, "images");
        WriteImages(images, count: 16);

        var train = await Icls(home, null, "train", experiment.ConfigPath, "--work-dir", workDir, "--device", "cpu", "--cfg-options", "train_cfg.max_epochs=1");
        var checkpoint = Path.Combine(workDir, "epoch_1.pth");
        var test = await Icls(home, "native", "test", experiment.ConfigPath, checkpoint, "--work-dir", workDir, "--device", "cpu");
        var infer = await Icls(home, null, "infer", experiment.ConfigPath, checkpoint, images, "--batch-size", "16", "--device", "cpu");
        var validate = await Icls(home, null, "validate", experiment.ConfigPath);

        foreach (var (name, run) in new[] { ("train", train), ("test", test), ("infer", infer), ("validate", validate) })
        {
            Assert.True(run.ExitCode == 0, $"icls {name} exited with {run.ExitCode}: {run.Error}");
            Assert.True(run.Error.Length == 0, $"icls {name} wrote on stderr:\n{run.Error}");
        }

        Assert.Contains("Training finished", train.Output, StringComparison.Ordinal);
        Assert.Contains("accuracy/top1", test.Output, StringComparison.Ordinal);
        Assert.Contains("image-15.png", infer.Output, StringComparison.Ordinal);
        Assert.StartsWith("OK: ", validate.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(home, "convolution-check.json")));
    }

    // As a user's shell has it: no plugins folder, no forced settings, an icls home of its own.
    private static Task<(int ExitCode, string Output, string Error)> Icls(string home, string? convolution, params string[] args) =>
        IclsProcess.Run(
            args,
            new Dictionary<string, string?>
            {
                [HostOptions.PluginPathVariable] = null,
                [TorchRuntimeOptions.NnpackVariable] = null,
                [TorchRuntimeOptions.ThreadsVariable] = null,
                [TorchRuntimeOptions.ConvolutionVariable] = convolution,
                [IclsHome.Variable] = home,
            },
            RunLimit);

    // Grey 16x16 PNGs, the tiny experiment's image size.
    private static void WriteImages(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            using var bitmap = new SKBitmap(16, 16, SKColorType.Gray8, SKAlphaType.Opaque);
            bitmap.Erase(new SKColor((byte)(i * 15), (byte)(i * 15), (byte)(i * 15)));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"image-{i}.png"), data.ToArray());
        }
    }
}
