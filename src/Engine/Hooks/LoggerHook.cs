namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmengine's LoggerHook (<c>default_hooks.logger</c>): the runner logs the losses, learning rate
/// and speed every <c>interval</c> iterations to the progress line, <c>scalars.jsonl</c> and the
/// TensorBoard events.
/// </summary>
[RegisterModel]
public sealed partial class LoggerHook : Hook
{
    /// <summary>Creates the hook.</summary>
    /// <param name="interval">Log every this many iterations.</param>
    /// <param name="ignoreLast">mmengine's switch for a short last window; the runner always logs an epoch's last iteration.</param>
    /// <param name="intervalExpName">mmengine's experiment-name interval; not used here.</param>
    /// <param name="logMetricByEpoch">mmengine's switch; validation metrics are logged by epoch in an epoch-based run.</param>
    /// <param name="keepLocal">mmengine's switch for remote storage; logs stay in the work dir here.</param>
    public LoggerHook(
        [ValueRange(Minimum = 1)] int interval = 10,
        bool ignoreLast = true,
        int intervalExpName = 1000,
        bool logMetricByEpoch = true,
        bool keepLocal = true)
    {
        if (interval < 1)
        {
            throw new ConfigValueException("interval", interval, "at least 1");
        }

        _ = (ignoreLast, intervalExpName, logMetricByEpoch, keepLocal);
        Interval = interval;
    }

    /// <summary>Log every this many iterations.</summary>
    public int Interval { get; }
}
