using System.Diagnostics;
using System.Text;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine;
using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using Xunit.Abstractions;

namespace ImageClassifier.Engine.Tests.Reliability;

/// <summary>
/// The crash harness of docs/reliability.md: the real <c>icls train --resume</c> runs as a child
/// process and is killed with SIGKILL over and over, at random moments and the instant a
/// checkpoint's temporary file appears (while the checkpoint is being written). After every kill
/// each checkpoint in the work dir must load strictly into the config's model; the temporary
/// files a kill leaves must be gone once the next run has started; and a last run, left alone,
/// must resume and finish.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class KillDuringSaveTests : IDisposable
{
    private const int Epochs = 20;
    private const int Kills = 8;
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(40);

    private readonly TinyExperiment experiment = new();
    private readonly ITestOutputHelper log;

    public KillDuringSaveTests(ITestOutputHelper log) => this.log = log;

    public void Dispose() => experiment.Dispose();

    [Fact]
    public void Killing_training_at_any_moment_never_corrupts_a_checkpoint_and_the_run_still_finishes()
    {
        var workDir = experiment.WorkDir("killed");
        var random = new Random(17);
        var staleFromLastKill = new List<string>();
        var caughtWriting = 0;
        var clock = Stopwatch.StartNew();
        for (var kill = 0; kill < Kills; kill++)
        {
            // Even rounds die while a checkpoint is being written, odd ones at a random time.
            var run = Start(workDir);
            if (kill % 2 == 0)
            {
                var saves = random.Next(1, 4);
                WaitForTemporaryFiles(workDir, run, saves);
            }
            else if (random.Next(3) == 0)
            {
                // During start-up: loading, resuming, removing stale files.
                run.Process.WaitForExit(random.Next(100, 1200));
            }
            else
            {
                // Counted from the start of training, so how far a round gets does not depend on how loaded the machine is.
                WaitForOutput(run, "Training ");
                run.Process.WaitForExit(random.Next(20, 600));
            }

            run.Kill();
            var output = run.Output;
            log.WriteLine($"kill {kill + 1} at {clock.Elapsed.TotalSeconds:F1} s: temporary files {string.Join(", ", TemporaryFiles(workDir).Select(Path.GetFileName))}");
            if (output.Contains("Training ", StringComparison.Ordinal))
            {
                // This run got past its start, where stale temporary files are removed.
                Assert.All(staleFromLastKill, path => Assert.False(File.Exists(path), $"{path} survived the start of the next run"));
            }
            else
            {
                staleFromLastKill.RemoveAll(path => !File.Exists(path));
                staleFromLastKill.AddRange(TemporaryFiles(workDir).Except(staleFromLastKill));
                AssertEveryCheckpointLoads(workDir, kill);
                continue;
            }

            staleFromLastKill = TemporaryFiles(workDir);
            caughtWriting += staleFromLastKill.Count > 0 ? 1 : 0;
            AssertEveryCheckpointLoads(workDir, kill);
        }

        var last = Start(workDir);
        Assert.True(last.Process.WaitForExit(RunLimit), "the resumed run did not finish in time");
        last.Process.WaitForExit();
        var final = last.Output;
        Assert.True(last.Process.ExitCode == 0, $"exit code {last.Process.ExitCode}\n{final}\n{last.Error}");
        Assert.Contains($"Training finished: {Epochs} epoch(s), {Epochs * 8} iterations", final);
        Assert.Empty(TemporaryFiles(workDir));
        AssertEveryCheckpointLoads(workDir, Kills);
        log.WriteLine($"finished at {clock.Elapsed.TotalSeconds:F1} s; {Kills} kills, {caughtWriting} of them while a checkpoint was being written.");
    }

    private ChildRun Start(string workDir)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "icls.dll"), "train", experiment.ConfigPath, "--work-dir", workDir, "--resume",
            "--device", "cpu", "--threads", "1", "--no-test", "--cfg-options", $"train_cfg.max_epochs={Epochs}", "default_hooks.checkpoint.max_keep_ckpts=2",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("ICLS_PLUGINS");
        return new ChildRun(Process.Start(start)!);
    }

    // Polls instead of waiting for events: a save of this tiny model takes milliseconds.
    private static void WaitForTemporaryFiles(string workDir, ChildRun run, int count)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!run.Process.HasExited && clock.Elapsed < RunLimit)
        {
            foreach (var path in TemporaryFiles(workDir))
            {
                if (seen.Add(path) && seen.Count >= count)
                {
                    return;
                }
            }

            Thread.Yield();
        }
    }

    private static void WaitForOutput(ChildRun run, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!run.Process.HasExited && clock.Elapsed < RunLimit && !run.Output.Contains(text, StringComparison.Ordinal))
        {
            Thread.Sleep(5);
        }
    }

    private static List<string> TemporaryFiles(string workDir) =>
        Directory.Exists(workDir) ? [.. Directory.EnumerateFiles(workDir, ".*.tmp")] : [];

    private void AssertEveryCheckpointLoads(string workDir, int kill)
    {
        if (!Directory.Exists(workDir))
        {
            return;
        }

        using var model = experiment.Read().BuildModel();
        foreach (var path in Directory.GetFiles(workDir, "*.pth"))
        {
            using var scope = torch.NewDisposeScope();
            try
            {
                var checkpoint = TorchCheckpointReader.ReadDictionary(path);
                StateDictLoader.Load(model, StateDictLoader.SelectStateDict(checkpoint), strict: true);
                Assert.IsType<Dictionary<string, object?>>(checkpoint["meta"]);
            }
            catch (Exception error) when (error is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"after kill {kill + 1}, {path} does not load: {error.Message}");
            }
        }

        var pointer = Path.Combine(workDir, Runner.LastCheckpointFile);
        if (File.Exists(pointer))
        {
            Assert.True(File.Exists(File.ReadAllText(pointer).Trim()), $"after kill {kill + 1}, last_checkpoint names a missing file");
        }
    }

    private sealed class ChildRun
    {
        private readonly StringBuilder output = new();
        private readonly StringBuilder error = new();

        public ChildRun(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
            process.ErrorDataReceived += (_, line) => { lock (error) { error.AppendLine(line.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public string Error
        {
            get
            {
                lock (error)
                {
                    return error.ToString();
                }
            }
        }

        // Process.Kill sends SIGKILL on Unix: no handler, no finally block, no flush runs.
        public void Kill()
        {
            if (!Process.HasExited)
            {
                // Not the whole tree: walking /proc first gives the save time to finish.
                Process.Kill();
            }

            Process.WaitForExit();
        }
    }
}
