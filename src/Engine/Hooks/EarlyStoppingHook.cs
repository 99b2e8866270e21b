using System.Globalization;

namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmengine's EarlyStoppingHook (in <c>custom_hooks</c>): stops training when the validation metric
/// <c>monitor</c> has not improved by <c>min_delta</c> for <c>patience</c> validations, when it
/// reaches <c>stopping_threshold</c>, or (with <c>check_finite</c>) when it is NaN or infinite.
/// The run then ends as at its normal end: a last checkpoint, the test, and a line saying why.
/// </summary>
/// <remarks>
/// Without <c>rule</c>, the direction is inferred from the name as mmengine infers it: "greater"
/// when the name (lower-cased) is or contains one of acc, top, AR@, auc, precision, mAP, mDice,
/// mIoU, mAcc, aAcc, "less" when it is or contains loss. The best score and the count of
/// validations without improvement are kept in checkpoints, so a resumed run stops where an
/// uninterrupted one would (mmengine starts them afresh).
/// </remarks>
[RegisterModel]
public sealed partial class EarlyStoppingHook : Hook
{
    /// <summary>Where the hook's state goes in a checkpoint's <c>message_hub</c>, followed by the monitored name.</summary>
    public const string StatePrefix = "early_stopping/";

    private static readonly string[] GreaterKeys = ["acc", "top", "AR@", "auc", "precision", "mAP", "mDice", "mIoU", "mAcc", "aAcc"];
    private static readonly string[] LessKeys = ["loss"];

    private readonly string monitor;
    private readonly bool greater;
    private readonly double minDelta;
    private readonly bool strict;
    private readonly bool checkFinite;
    private readonly int patience;
    private readonly double? stoppingThreshold;
    private readonly int priority;

    /// <summary>Creates the hook.</summary>
    /// <param name="monitor">The validation metric to watch, as the validation names it ("accuracy/top1").</param>
    /// <param name="rule">"greater" or "less": which values are better; inferred from the name when null.</param>
    /// <param name="minDelta">How much better than the best a value must be to count as an improvement.</param>
    /// <param name="strict">Fail when the validation does not compute <c>monitor</c>; otherwise warn and go on.</param>
    /// <param name="checkFinite">Stop when the monitored value is NaN or infinite.</param>
    /// <param name="patience">Stop after this many validations in a row without improvement.</param>
    /// <param name="stoppingThreshold">Stop as soon as the value is better than this; none when null.</param>
    /// <param name="priority">When the hook runs among others, by mmengine's names ("LOWEST", mmengine's, by default).</param>
    public EarlyStoppingHook(
        string monitor,
        [OneOf("greater", "less")] string? rule = null,
        double minDelta = 0.1,
        bool strict = false,
        bool checkFinite = true,
        [ValueRange(Minimum = 1)] int patience = 5,
        double? stoppingThreshold = null,
        string priority = "LOWEST")
    {
        if (string.IsNullOrWhiteSpace(monitor))
        {
            throw new ConfigValueException("monitor", monitor, "the name of a validation metric, such as \"accuracy/top1\"");
        }

        if (rule is not (null or "greater" or "less"))
        {
            throw new ConfigValueException("rule", rule, "\"greater\" or \"less\"");
        }

        if (!double.IsFinite(minDelta))
        {
            throw new ConfigValueException("min_delta", minDelta, "a finite number");
        }

        if (patience < 1)
        {
            throw new ConfigValueException("patience", patience, ">= 1");
        }

        this.monitor = monitor;
        greater = (rule ?? InferRule(monitor)) == "greater";

        // mmengine keeps the delta signed by the rule, so that one comparison serves both.
        this.minDelta = greater ? minDelta : -minDelta;
        this.strict = strict;
        this.checkFinite = checkFinite;
        this.patience = patience;
        this.stoppingThreshold = stoppingThreshold;
        this.priority = PriorityOf(priority);
        BestScore = greater ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <inheritdoc />
    public override int Priority => priority;

    /// <summary>The monitored metric.</summary>
    public string Monitor => monitor;

    /// <summary>Whether greater values are better (the rule, given or inferred).</summary>
    public bool Greater => greater;

    /// <summary>The best value seen so far (infinitely bad before the first).</summary>
    public double BestScore { get; private set; }

    /// <summary>Validations in a row without improvement.</summary>
    public int WaitCount { get; private set; }

    /// <summary>Judges the validation's value of <c>monitor</c>, and asks the runner to stop when it is time.</summary>
    /// <exception cref="InvalidOperationException">With <c>strict</c>, the validation does not compute <c>monitor</c>.</exception>
    public override void AfterValEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!metrics.TryGetValue(monitor, out var score))
        {
            var known = string.Join(", ", metrics.Keys.Select(name => $"'{name}'"));
            if (strict)
            {
                throw new InvalidOperationException($"EarlyStoppingHook: the validation computes no '{monitor}' to monitor; it computes {known}. Set monitor to one of them, or strict to false.");
            }

            context.Say($"warning: EarlyStoppingHook skipped this validation: it computes no '{monitor}' (it computes {known}).");
            return;
        }

        if (Judge(score) is { } reason)
        {
            context.StopTraining(reason);
        }
    }

    /// <summary>Keeps the best score and the wait count in the checkpoint's <c>message_hub</c>.</summary>
    public override void BeforeSaveCheckpoint(HookContext context, IDictionary<string, object?> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.TryGetValue("message_hub", out var hub) && hub is IDictionary<string, object?> messages)
        {
            messages[StatePrefix + monitor] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["best_score"] = BestScore,
                ["wait_count"] = (long)WaitCount,
            };
        }
    }

    /// <summary>Takes back the best score and the wait count a checkpoint kept.</summary>
    public override void AfterLoadCheckpoint(HookContext context, IDictionary<string, object?> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.TryGetValue("message_hub", out var hub) && hub is IDictionary<string, object?> messages
            && messages.TryGetValue(StatePrefix + monitor, out var saved) && saved is IDictionary<string, object?> state
            && state.TryGetValue("best_score", out var best) && best is not null
            && state.TryGetValue("wait_count", out var wait) && wait is not null)
        {
            BestScore = Convert.ToDouble(best, CultureInfo.InvariantCulture);
            WaitCount = Convert.ToInt32(wait, CultureInfo.InvariantCulture);
        }
    }

    // mmengine's _check_stop_condition: why to stop after this value, or null to go on.
    private string? Judge(double score)
    {
        if (checkFinite && !double.IsFinite(score))
        {
            return $"the monitored metric {monitor} = {Format(score)} is not finite; the best value was {BestScore.ToString("F3", CultureInfo.InvariantCulture)}.";
        }

        if (stoppingThreshold is { } threshold && IsBetter(score, threshold))
        {
            BestScore = score;
            return $"the stopping threshold is reached: {monitor} = {Format(score)} is {(greater ? "greater" : "less")} than {Format(threshold)}.";
        }

        if (IsBetter(BestScore + minDelta, score))
        {
            WaitCount++;
            return WaitCount >= patience
                ? $"the monitored metric {monitor} did not improve in the last {WaitCount} validations; the best value is {BestScore.ToString("F3", CultureInfo.InvariantCulture)}."
                : null;
        }

        BestScore = score;
        WaitCount = 0;
        return null;
    }

    private bool IsBetter(double value, double than) => greater ? value > than : value < than;

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    // mmengine's _init_rule: an exact name first, then a part of the name, greater before less.
    private static string InferRule(string monitor)
    {
        var name = monitor.ToLowerInvariant();
        var greaterKeys = GreaterKeys.Select(key => key.ToLowerInvariant()).ToArray();
        var lessKeys = LessKeys.Select(key => key.ToLowerInvariant()).ToArray();
        if (greaterKeys.Contains(name))
        {
            return "greater";
        }

        if (lessKeys.Contains(name))
        {
            return "less";
        }

        if (greaterKeys.Any(name.Contains))
        {
            return "greater";
        }

        return lessKeys.Any(name.Contains)
            ? "less"
            : throw new ConfigValueException("rule", null, $"\"greater\" or \"less\": the direction of '{monitor}' cannot be inferred from its name");
    }
}
