using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Schedulers;

/// <summary>
/// A schedule of one optimizer setting, the learning rate or the momentum
/// (<see cref="Parameter"/>): mmengine's parameter schedulers (<c>param_scheduler</c> in configs).
/// Each is active from step <see cref="Begin"/> to <see cref="End"/> (epochs or iterations, by
/// <c>by_epoch</c>) and computes the next value from the current one (mmengine's "chainable form"),
/// so that several schedulers over consecutive or overlapping ranges compose as in mmengine.
/// </summary>
/// <remarks>
/// Built from its config, a scheduler is attached to the optimizer once the run knows its length
/// (<see cref="Attach"/>): that resolves a missing <c>end</c> (the last epoch or iteration), converts
/// an epoch-based schedule to iterations with <c>convert_to_iter_based</c>, and takes the first step,
/// as mmengine's constructor does. The runner then calls <see cref="Step()"/> after every iteration
/// (<c>by_epoch: false</c>) or every epoch (<c>by_epoch: true</c>). A scheduler that reads the
/// validation's results (<see cref="StepsOnValidation"/>, mmengine's <c>need_val_args</c>) only counts
/// those steps, and changes the setting when the runner passes it each validation's metrics.
/// </remarks>
[ComponentKind("param_scheduler")]
public abstract class ParamScheduler
{
    private readonly int? configuredEnd;
    private readonly bool convertToIterBased;
    private IReadOnlyList<optim.ILearningRateController> groups = [];
    private double[] baseValues = [];
    private double[] lastValues = [];
    private double[] currentValues = [];

    /// <summary>Checks and keeps the range shared by every scheduler.</summary>
    /// <param name="parameter">The setting the scheduler drives.</param>
    /// <param name="begin">The first step the scheduler acts on.</param>
    /// <param name="end">The step it stops before; the run's last epoch or iteration when null.</param>
    /// <param name="byEpoch">Step once per epoch rather than once per iteration.</param>
    /// <param name="convertToIterBased">Turn an epoch-based schedule into the same schedule in iterations, changing the value every iteration.</param>
    protected ParamScheduler(ScheduledParameter parameter, int begin, int? end, bool byEpoch, bool convertToIterBased)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (begin < 0)
        {
            throw new ConfigValueException("begin", begin, "0 or more");
        }

        if (end is { } last && last <= begin)
        {
            throw new ConfigValueException("end", last, $"greater than begin ({begin})");
        }

        if (convertToIterBased && !byEpoch)
        {
            throw new ConfigValueException("convert_to_iter_based", true, "false when by_epoch is false (only an epoch-based schedule can be converted)");
        }

        Parameter = parameter;
        Begin = begin;
        configuredEnd = end;
        ByEpoch = byEpoch;
        this.convertToIterBased = convertToIterBased;
        End = end ?? int.MaxValue;
    }

    /// <summary>The setting the scheduler drives: the learning rate or the momentum.</summary>
    public ScheduledParameter Parameter { get; }

    /// <summary>The first step the scheduler acts on.</summary>
    public int Begin { get; private set; }

    /// <summary>The step it stops before (resolved by <see cref="Attach"/>).</summary>
    public int End { get; private set; }

    /// <summary>Whether it steps once per epoch (after conversion: false for converted schedules).</summary>
    public bool ByEpoch { get; private set; }

    /// <summary>How many steps the scheduler has acted on, minus one (mmengine's <c>last_step</c>).</summary>
    public int LastStep { get; private set; } = -1;

    /// <summary>How many times <see cref="Step()"/> ran, minus one, counting the one <see cref="Attach"/> takes.</summary>
    public int GlobalStep { get; private set; } = -1;

    /// <summary>Whether <see cref="Attach"/> has run.</summary>
    public bool IsAttached { get; private set; }

    /// <summary>
    /// Whether the scheduler changes the setting from validation results (ReduceOnPlateau*, mmengine's
    /// <c>need_val_args</c>): <see cref="Step()"/> then only counts epochs, and the runner calls
    /// <see cref="Step(IReadOnlyDictionary{string, double})"/> after each validation.
    /// </summary>
    public virtual bool StepsOnValidation => false;

    /// <summary>The initial value of the setting in each parameter group (mmengine's <c>base_values</c>).</summary>
    public IReadOnlyList<double> BaseValues => baseValues;

    /// <summary>The value of the setting in each parameter group after the last step.</summary>
    public IReadOnlyList<double> LastValues => lastValues;

    /// <summary>The optimizer's parameter groups (once attached).</summary>
    protected IReadOnlyList<optim.ILearningRateController> Groups => groups;

    /// <summary>
    /// Checks that the scheduler can step in a run counted as <paramref name="epochBasedRun"/> says.
    /// An iteration-based run has no epochs: mmengine counts it as one epoch, so an epoch-based
    /// scheduler would step once, after the last iteration, and a converted one without
    /// <c>end</c> would end after one epoch of data. Both are refused rather than reproduced.
    /// </summary>
    /// <param name="epochBasedRun">Whether the run's <c>train_cfg</c> counts epochs.</param>
    /// <exception cref="ConfigValueException">The scheduler counts epochs that the run does not have.</exception>
    public void CheckRunUnit(bool epochBasedRun)
    {
        if (StepsOnValidation && !epochBasedRun && Begin > 0)
        {
            throw new ConfigValueException("begin", Begin, "0 in an iteration-based run (train_cfg.by_epoch false): the scheduler counts epochs, which such a run does not have, and acts on every validation");
        }

        // A scheduler stepped by validations acts as often as validations come, whatever the run counts.
        if (epochBasedRun || !ByEpoch || StepsOnValidation)
        {
            return;
        }

        if (!convertToIterBased)
        {
            throw new ConfigValueException("by_epoch", true, "false in an iteration-based run (train_cfg.by_epoch false), which has no epochs to step on (mmengine would step this scheduler once, after the last iteration); or set convert_to_iter_based to true to count its epochs in iterations of the training data");
        }

        if (configuredEnd is null)
        {
            throw new ConfigValueException("end", null, "given, in epochs of the training data, when an iteration-based run converts an epoch-based schedule (mmengine would end it after one epoch, as it counts the whole run as one)");
        }
    }

    /// <summary>
    /// Binds the scheduler to <paramref name="optimizer"/> and takes the first step.
    /// </summary>
    /// <param name="optimizer">The optimizer whose settings are scheduled.</param>
    /// <param name="maxEpochs">The run's length in epochs, the default end of an epoch-based schedule; null for an iteration-based run (see <see cref="CheckRunUnit"/>).</param>
    /// <param name="maxIterations">The run's length in iterations: the default end of an iteration-based one.</param>
    /// <param name="epochLength">Iterations per epoch, for convert_to_iter_based.</param>
    /// <exception cref="InvalidOperationException">The scheduler is already attached.</exception>
    /// <exception cref="ConfigValueException">The resolved range is empty, the scheduler counts epochs the run does not have, or the optimizer lacks the setting.</exception>
    public void Attach(optim.Optimizer optimizer, int? maxEpochs, int maxIterations, int epochLength)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochLength);
        if (IsAttached)
        {
            throw new InvalidOperationException($"The {GetType().Name} is already attached to an optimizer; build a new one from its config.");
        }

        CheckRunUnit(maxEpochs is not null);

        // As mmengine's runner: the default end is the run's length in the schedule's own unit, then converted.
        var end = configuredEnd ?? (ByEpoch ? maxEpochs!.Value : maxIterations);
        if (convertToIterBased)
        {
            ByEpoch = false;
            Begin = checked(Begin * epochLength);
            end = checked(end * epochLength);
            ConvertToIterations(epochLength);
        }

        End = end;
        if (End <= Begin)
        {
            throw new ConfigValueException("end", End, $"greater than begin ({Begin}){(configuredEnd is null ? ": the run is not longer than begin" : string.Empty)}");
        }

        groups = [.. optimizer.ParamGroups];
        if (groups.FirstOrDefault(group => !Parameter.IsIn(group)) is { } without)
        {
            throw Parameter.NamedInConfig
                ? new ConfigValueException("param_name", Parameter.Name, $"a number the optimizer's parameter groups hold ({without.GetType().Name} has no '{Parameter.Name}'), such as \"lr\", \"momentum\" or \"weight_decay\"")
                : new ConfigValueException("type", GetType().Name, $"a scheduler of a setting the optimizer has: {optimizer.GetType().Name}'s parameter groups ({without.GetType().Name}) have no {Parameter.Name} (momentum schedulers need SGD's momentum or the Adam family's betas)");
        }

        IsAttached = true;
        OnAttached();
        baseValues = [.. groups.Select(Parameter.Initial)];
        currentValues = new double[groups.Count];
        lastValues = new double[groups.Count];
        Step();
    }

    /// <summary>Advances one step (an iteration or an epoch); within [begin, end) the setting changes.</summary>
    /// <exception cref="InvalidOperationException">The scheduler is not attached.</exception>
    public void Step()
    {
        if (!IsAttached)
        {
            throw new InvalidOperationException($"Attach the {GetType().Name} to an optimizer before stepping it.");
        }

        // The runner steps every iteration: buffers made at Attach are refilled, not reallocated.
        GlobalStep++;
        if (!StepsOnValidation && Begin <= GlobalStep && GlobalStep < End)
        {
            LastStep++;
            ReadValues(currentValues);
            SetValues(ComputeValues(currentValues));
        }

        if (lastValues.Length != groups.Count)
        {
            lastValues = new double[groups.Count];
        }

        ReadValues(lastValues);
    }

    /// <summary>
    /// Changes the setting from a validation's <paramref name="metrics"/>, within [begin, end) of the
    /// steps counted so far; for schedulers that <see cref="StepsOnValidation"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The scheduler is not attached, or does not step on validations.</exception>
    /// <exception cref="ConfigValueException">The metrics lack the value the scheduler watches.</exception>
    public void Step(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!IsAttached || !StepsOnValidation)
        {
            throw new InvalidOperationException($"The {GetType().Name} {(IsAttached ? "does not step on validation results" : "is not attached to an optimizer")}.");
        }

        if (Begin <= GlobalStep && GlobalStep < End)
        {
            LastStep++;
            ReadValues(currentValues);
            SetValues(ComputeValues(currentValues, metrics));
        }

        ReadValues(lastValues);
    }

    /// <summary>The scheduler's counters, for a checkpoint.</summary>
    public Dictionary<string, object?> StateDict()
    {
        var state = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = GetType().Name,
            ["begin"] = (long)Begin,
            ["end"] = (long)End,
            ["by_epoch"] = ByEpoch,
            ["last_step"] = (long)LastStep,
            ["global_step"] = (long)GlobalStep,
            ["base_values"] = baseValues.Cast<object?>().ToList(),
            ["last_values"] = lastValues.Cast<object?>().ToList(),
        };
        WriteState(state);
        return state;
    }

    /// <summary>Restores the counters of <see cref="StateDict"/>; the values themselves come back with the optimizer's state.</summary>
    /// <exception cref="InvalidDataException">The state is not this scheduler's, or its range differs from the config's.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var type = state.GetValueOrDefault("type") as string;
        if (type != GetType().Name)
        {
            throw new InvalidDataException($"The checkpoint's scheduler is a {type ?? "(unnamed)"}, but the config has a {GetType().Name} here: the param_scheduler list changed since the checkpoint was written.");
        }

        var begin = ReadInt(state, "begin");
        var end = ReadInt(state, "end");
        if (begin != Begin || end != End)
        {
            throw new InvalidDataException($"The checkpoint's {type} runs from {begin} to {end}, but the config's from {Begin} to {End}: the schedule changed since the checkpoint was written.");
        }

        LastStep = ReadInt(state, "last_step");
        GlobalStep = ReadInt(state, "global_step");
        if (state.GetValueOrDefault("last_values") is IEnumerable<object?> values)
        {
            lastValues = [.. values.Select(value => Convert.ToDouble(value, CultureInfo.InvariantCulture))];
        }

        ReadState(state);
    }

    /// <summary>The next value of each group, from the current ones (<see cref="LastStep"/> is already advanced).</summary>
    protected abstract double[] ComputeValues(IReadOnlyList<double> current);

    /// <summary>The next value of each group from a validation's <paramref name="metrics"/>, for schedulers that <see cref="StepsOnValidation"/>.</summary>
    protected virtual double[] ComputeValues(IReadOnlyList<double> current, IReadOnlyDictionary<string, double> metrics) =>
        throw new InvalidOperationException($"The {GetType().Name} does not step on validation results.");

    /// <summary>Adds the scheduler's own counters to a checkpoint's <paramref name="state"/>.</summary>
    protected virtual void WriteState(IDictionary<string, object?> state)
    {
    }

    /// <summary>Restores the counters <see cref="WriteState"/> wrote.</summary>
    protected virtual void ReadState(IReadOnlyDictionary<string, object?> state)
    {
    }

    /// <summary>A number <see cref="WriteState"/> stored under <paramref name="key"/>.</summary>
    protected static double ReadDouble(IReadOnlyDictionary<string, object?> state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.GetValueOrDefault(key) is { } value
            ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"The checkpoint's scheduler state has no '{key}'.");
    }

    /// <summary>Each of <paramref name="values"/> times <paramref name="factor"/>: the step of most multiplicative schedules.</summary>
    protected static double[] Scaled(IReadOnlyList<double> values, double factor)
    {
        ArgumentNullException.ThrowIfNull(values);
        var scaled = new double[values.Count];
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] = values[i] * factor;
        }

        return scaled;
    }

    private void SetValues(double[] values)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            Parameter.Set(groups[i], values[i]);
        }
    }

    private void ReadValues(double[] into)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            into[i] = Parameter.Get(groups[i]);
        }
    }

    /// <summary>Scales the schedule's own step counts (milestones, periods) by <paramref name="epochLength"/>.</summary>
    protected virtual void ConvertToIterations(int epochLength)
    {
    }

    /// <summary>Runs once <see cref="Begin"/>, <see cref="End"/> and <see cref="Groups"/> are final, before the base values are read and the first step is taken.</summary>
    protected virtual void OnAttached()
    {
    }

    /// <summary>A whole number <see cref="WriteState"/> stored under <paramref name="key"/>.</summary>
    protected static int ReadInt(IReadOnlyDictionary<string, object?> state, string key) =>
        state.GetValueOrDefault(key) is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"The checkpoint's scheduler state has no '{key}'.");
}
