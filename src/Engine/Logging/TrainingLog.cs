using TorchSharp;
using TorchSharp.Modules;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// A training run's log sinks, fed one record at a time: every record goes to
/// <c>scalars.jsonl</c> (<see cref="ScalarLog"/>) unchanged, and the numbers of the train and val
/// records go to a TensorBoard event file in <c>tensorboard/</c> as <c>&lt;mode&gt;/&lt;key&gt;</c>
/// scalars (<c>train/loss</c>, <c>val/accuracy/top1</c>) at the record's <c>iter</c>, as mmengine's
/// TensorBoard backend names them. The counters (<c>epoch</c>, <c>iter</c>, <c>epoch_iter</c>) stay in
/// the JSON only: TensorBoard's x-axis is the step.
/// </summary>
/// <remarks>
/// The event file is TorchSharp's <c>torch.utils.tensorboard.SummaryWriter</c>'s: each log starts a
/// new <c>events.out.tfevents.*</c> file (TensorBoard reads a folder's files as one run, so a resumed
/// run's file sits beside the old one), and each scalar is in the file as soon as it is written.
/// </remarks>
public sealed class TrainingLog : IDisposable
{
    /// <summary>The folder in the work dir that holds the event files (TensorBoard's <c>--logdir</c>).</summary>
    public const string TensorBoardFolder = "tensorboard";

    private static readonly HashSet<string> ScalarModes = new(StringComparer.Ordinal) { "train", "val" };
    private static readonly HashSet<string> Counters = new(StringComparer.Ordinal) { "mode", "epoch", "iter", "epoch_iter" };

    private readonly ScalarLog scalars;
    private readonly SummaryWriter events;
    private readonly TimeProvider time;

    /// <summary>Opens (appending) the JSON-lines log and starts a new event file, both in <paramref name="workDir"/>.</summary>
    /// <param name="workDir">The run's work dir.</param>
    /// <param name="time">The clock of the scalars' wall times (whole seconds); the system clock by default.</param>
    public TrainingLog(string workDir, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(workDir);
        this.time = time ?? TimeProvider.System;
        scalars = new ScalarLog(workDir);
        try
        {
            events = torch.utils.tensorboard.SummaryWriter(Path.Combine(workDir, TensorBoardFolder));
        }
        catch
        {
            scalars.Dispose();
            throw;
        }
    }

    /// <summary>The JSON-lines log's file.</summary>
    public string ScalarLogPath => scalars.Path;

    /// <summary>The folder of the event files (TensorBoard's <c>--logdir</c>).</summary>
    public string EventFolder => events.LogDir;

    /// <summary>
    /// Appends <paramref name="record"/> to the JSON-lines log and, when it is a train or val record
    /// with an <c>iter</c>, each of its other numbers to the event file.
    /// </summary>
    public void Write(IReadOnlyDictionary<string, object?> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        scalars.Write(record);
        if (record.GetValueOrDefault("mode") is not string mode || !ScalarModes.Contains(mode)
            || AsNumber(record.GetValueOrDefault("iter")) is not { } iteration)
        {
            return;
        }

        // TorchSharp takes the step as an int and the wall time in whole seconds.
        var step = checked((int)iteration);
        var wallTime = time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var (key, value) in record)
        {
            if (!Counters.Contains(key) && AsNumber(value) is { } number)
            {
                events.add_scalar($"{mode}/{key}", (float)number, step, wallTime);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => scalars.Dispose();

    private static double? AsNumber(object? value) => value switch
    {
        double number => number,
        float number => number,
        int number => number,
        long number => number,
        _ => null,
    };
}
