using System.CommandLine;
using System.Globalization;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Configuration;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls train CONFIG [--work-dir D] [--resume [CKPT]] [--device auto|cpu|cuda[:N]] [--amp] [--cfg-options ...]</c>:
/// trains the config's model, then, when the config has test data, reports the test metrics of the
/// final model. Ctrl-C stops after the current iteration and saves a checkpoint to resume from
/// (a second Ctrl-C aborts at once).
/// </summary>
internal sealed class TrainCommand : Command
{
    /// <summary>The exit code of a run stopped by Ctrl-C, as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();
    private readonly Option<string?> _workDir = EngineCommandOptions.WorkDir();
    private readonly Option<string?> _device = EngineCommandOptions.Device();

    private readonly Option<string?> _resume = new("--resume")
    {
        Description = "Continue a run: from CKPT, or without a value from the last checkpoint in the work dir (work_dir/last_checkpoint).",
        HelpName = "CKPT",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _noTest = new("--no-test")
    {
        Description = "Do not evaluate on the test data after training.",
    };

    private readonly Option<int?> _threads = EngineCommandOptions.Threads();

    private readonly Option<bool> _amp = new("--amp")
    {
        Description = "Train in mixed precision: optim_wrapper becomes an AmpOptimWrapper (float16 with a dynamic loss scale on CUDA, bfloat16 on the CPU, unless the config sets dtype), as mmpretrain's tools/train.py --amp does.",
    };

    public TrainCommand(CommandContext context)
        : base("train", "Train a config's model: log, validate, checkpoint, and test the result.")
    {
        _context = context;
        Arguments.Add(_config);
        Options.Add(_workDir);
        Options.Add(_resume);
        Options.Add(_device);
        Options.Add(_threads);
        Options.Add(_amp);
        Options.Add(_noTest);
        Options.Add(_cfgOptions);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var path = parseResult.GetRequiredValue(_config);
        var cfgOptions = parseResult.GetValue(_cfgOptions);
        if (parseResult.GetValue(_amp))
        {
            // After the --cfg-options, as mmpretrain applies --amp. A missing loss_scale reads as
            // "dynamic", so only the type changes, and the config saved in the checkpoints says so.
            cfgOptions = [.. cfgOptions ?? [], $"optim_wrapper.type={RunDefinitionReader.AmpOptimWrapperType}"];
        }

        var config = _context.LoadedHost.LoadRun(path, cfgOptions);
        var resume = parseResult.GetResult(_resume) is null ? null : parseResult.GetValue(_resume) ?? RunnerOptions.ResumeLatest;
        var testAfterwards = !parseResult.GetValue(_noTest) && config.TestDataloader is not null && config.TestEvaluator.Count > 0;

        // Before the first epoch, not when the test set or a checkpoint is first opened: --resume
        // CKPT replaces load_from, and the test data is checked only when it will be read.
        RunStage[] stages = testAfterwards ? [RunStage.Train, RunStage.Val, RunStage.Test] : [RunStage.Train, RunStage.Val];
        _context.LoadedHost.CheckPaths(config, stages, loadFrom: resume is null);

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, args) =>
        {
            if (cancellation.IsCancellationRequested)
            {
                return;
            }

            args.Cancel = true;
            cancellation.Cancel();
            _context.Error.WriteLine();
            _context.Error.WriteLine("Stopping after this iteration and saving a checkpoint; press Ctrl-C again to abort at once.");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var runner = new Runner(config, new RunnerOptions
            {
                WorkDir = parseResult.GetValue(_workDir),
                Resume = resume,
                Device = parseResult.GetValue(_device) ?? "auto",
                Threads = parseResult.GetValue(_threads),
                Output = _context.Output,
                OutputIsTerminal = EngineCommandOptions.IsTerminal(_context),
                Cancellation = cancellation.Token,
                ConfigName = Path.GetFileNameWithoutExtension(path),
            });
            var result = runner.Train();
            if (!result.Completed)
            {
                return Interrupted;
            }

            if (testAfterwards)
            {
                var test = runner.Test();
                var metrics = string.Join("  ", test.Metrics.Select(pair => $"{pair.Key}: {pair.Value.ToString("F2", CultureInfo.InvariantCulture)}"));
                _context.Output.WriteLine($"Test ({test.SampleCount} images): {metrics}");
            }

            return ExitCodes.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
