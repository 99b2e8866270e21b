namespace ImageClassifier.Engine;

/// <summary>How a <see cref="Runner"/> runs: what the command line adds to the config.</summary>
public sealed record RunnerOptions
{
    /// <summary>Where logs and checkpoints go; the config's work_dir, else work_dirs/&lt;config name&gt;, when null.</summary>
    public string? WorkDir { get; init; }

    /// <summary>
    /// The checkpoint to resume from; <see cref="ResumeLatest"/> for the last one in the work dir;
    /// null not to resume (unless the config says <c>resume: true</c>).
    /// </summary>
    public string? Resume { get; init; }

    /// <summary><c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>libtorch's intra-op threads; the process's (<see cref="Runtime.TorchRuntimeReport.Threads"/>: ICLS_NUM_THREADS, OMP_NUM_THREADS or the processors it may use) when null.</summary>
    public int? Threads { get; init; }

    /// <summary>Where progress and results are written.</summary>
    public TextWriter Output { get; init; } = TextWriter.Null;

    /// <summary>Whether <see cref="Output"/> is a terminal, which allows a live progress line.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Stops training at the next iteration; the runner then saves a checkpoint and returns.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The name the default work dir is made from (the config file's name without extension).</summary>
    public string? ConfigName { get; init; }

    /// <summary>The value of <see cref="Resume"/> that means "the last checkpoint in the work dir".</summary>
    public const string ResumeLatest = "auto";

    /// <summary>
    /// This process's share of the training data in a data-parallel run (mmengine's rank and world
    /// size); the whole set by default. Gradients are combined through the optimizer wrapper's
    /// <see cref="Optimizers.IGradientReducer"/>.
    /// </summary>
    public Data.Loading.DataShard TrainShard { get; init; } = Data.Loading.DataShard.Whole;

    /// <summary>Combines gradients across the processes of a data-parallel run; null for a single process.</summary>
    public Optimizers.IGradientReducer? GradientReducer { get; init; }
}
