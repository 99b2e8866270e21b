using System.Globalization;
using System.Text.Json;
using ImageClassifier;
using ImageClassifier.Engine.Hooks;

namespace TrainingExtras.Hooks;

/// <summary>
/// Keeps <c>progress.json</c> in the work dir up to date: epoch, iteration, learning rate, the last
/// loss and the last validation metrics, so that a dashboard or a script can follow a run without
/// parsing its log. The file is replaced atomically, so a reader never sees half of it.
/// </summary>
[RegisterModel]
public sealed partial class ProgressFileHook : Hook
{
    private readonly int interval;
    private readonly string fileName;
    private double? lastLoss;
    private IReadOnlyDictionary<string, double> lastMetrics = new Dictionary<string, double>();

    /// <summary>Creates the hook.</summary>
    /// <param name="interval">Rewrite the file every this many iterations (and after every validation).</param>
    /// <param name="fileName">The file's name in the work dir.</param>
    public ProgressFileHook([ValueRange(Minimum = 1)] int interval = 10, string fileName = "progress.json")
    {
        if (interval < 1)
        {
            throw new ConfigValueException("interval", interval, "at least 1");
        }

        if (string.IsNullOrWhiteSpace(fileName) || fileName.IndexOfAny(['/', '\\']) >= 0)
        {
            throw new ConfigValueException("file_name", fileName, "a plain file name, without folders");
        }

        this.interval = interval;
        this.fileName = fileName;
    }

    /// <inheritdoc />
    public override void AfterTrainIter(HookContext context, IReadOnlyDictionary<string, double> outputs)
    {
        lastLoss = outputs.TryGetValue("loss", out var loss) ? loss : lastLoss;
        if (context.Iteration % interval == 0)
        {
            Write(context, "training");
        }
    }

    /// <inheritdoc />
    public override void AfterValEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics)
    {
        lastMetrics = metrics;
        Write(context, "training");
    }

    /// <inheritdoc />
    public override void AfterRun(HookContext context) =>
        Write(context, context.Iteration >= context.MaxIterations ? "finished" : "stopped");

    private void Write(HookContext context, string state)
    {
        var progress = new Dictionary<string, object?>
        {
            ["state"] = state,
            ["epoch"] = context.Epoch,
            ["max_epochs"] = context.MaxEpochs,
            ["iter"] = context.Iteration,
            ["max_iters"] = context.MaxIterations,
            ["lr"] = context.LearningRate,
            ["loss"] = lastLoss,
            ["metrics"] = lastMetrics,
            ["time"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
        };
        var path = Path.Combine(context.WorkDir, fileName);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(progress));
        File.Move(temporary, path, overwrite: true);
    }
}
