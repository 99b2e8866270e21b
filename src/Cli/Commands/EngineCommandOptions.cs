using System.CommandLine;

namespace ImageClassifier.Cli.Commands;

/// <summary>The options train, test and infer share.</summary>
internal static class EngineCommandOptions
{
    /// <summary><c>--work-dir DIR</c>; <paramref name="description"/> says what the command puts there, when it is not training's logs and checkpoints.</summary>
    public static Option<string?> WorkDir(string? description = null) => new("--work-dir")
    {
        Description = description ?? "Where logs and checkpoints go; the config's work_dir, else work_dirs/<config name>, when left out.",
        HelpName = "DIR",
    };

    /// <summary><c>--device auto|cpu|cuda[:N]</c>.</summary>
    public static Option<string?> Device() => new("--device")
    {
        Description = "Where the model runs: auto (CUDA when libtorch has it, else the CPU), cpu, cuda or cuda:N.",
        HelpName = "DEVICE",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary><c>--threads N</c>.</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        Description = "libtorch's CPU threads; when left out, ICLS_NUM_THREADS, else OMP_NUM_THREADS, else one per processor this process may use.",
        HelpName = "N",
    };

    /// <summary>
    /// Whether the command writes to an interactive terminal (a live progress line is then possible):
    /// true only for the process's own console output when it is not redirected.
    /// </summary>
    public static bool IsTerminal(CommandContext context) =>
        ReferenceEquals(context.Output, Console.Out) && !Console.IsOutputRedirected;
}
