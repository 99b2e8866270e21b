using ImageClassifier.Cli.Commands;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Cli.Tests.TestHelpers;

/// <summary>Runs the icls command line in this process, over the tiny experiment's catalog.</summary>
public static class InProcessIcls
{
    public static (int ExitCode, string Output, string Error) Icls(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CommandLineApp.Run(args, output, error, () => TinyExperiment.Catalog);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Trains <paramref name="configPath"/> one epoch on the CPU into <paramref name="workDir"/> and returns its checkpoint.</summary>
    public static string TrainedCheckpoint(string configPath, string workDir, params string[] extraArgs)
    {
        var run = Icls(["train", configPath, "--work-dir", workDir, "--device", "cpu", "--threads", "1", .. extraArgs, "--cfg-options", "train_cfg.max_epochs=1"]);
        Assert.True(run.ExitCode == 0, run.Error);
        return Path.Combine(workDir, "epoch_1.pth");
    }
}
