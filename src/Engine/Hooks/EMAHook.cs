using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmengine's EMAHook (in <c>custom_hooks</c>): keeps an averaged copy of the model's weights,
/// updated after every training iteration, and evaluates with it: the averaged weights are swapped
/// into the model for each validation (so <c>save_best</c> judges them) and for the test of the
/// trained model, and swapped back for training.
/// </summary>
/// <remarks>
/// <para>
/// The averaging is mmengine's <c>ema_type</c>: <c>ExponentialMovingAverage</c>
/// (<c>avg.lerp_(x, momentum)</c>), <c>MomentumAnnealingEMA</c> (the same with momentum
/// <c>max(momentum, gamma / (gamma + steps))</c>) or <c>StochasticWeightAverage</c> (the running
/// mean). The first update copies the weights; later ones average every <c>interval</c>-th update.
/// Only floating-point entries are averaged; without <c>update_buffers</c> the buffers (batch-norm
/// statistics) are copied from the model at each update.
/// </para>
/// <para>
/// Checkpoints hold the averaged weights as mmengine writes them: <c>state_dict</c> has the averaged
/// weights (what <c>icls test</c>, <c>icls infer</c> and mmpretrain then load) and
/// <c>ema_state_dict</c> the training weights under <c>module.</c> names with the update count
/// <c>steps</c>. A resume swaps them back, so training continues exactly.
/// </para>
/// </remarks>
[RegisterModel]
public sealed partial class EMAHook : Hook, IDisposable
{
    /// <summary>mmengine's default averaging: <c>avg = (1 - momentum) * avg + momentum * x</c>.</summary>
    public const string ExponentialMovingAverage = "ExponentialMovingAverage";

    /// <summary>The exponential moving average with momentum <c>max(momentum, gamma / (gamma + steps))</c>.</summary>
    public const string MomentumAnnealingEMA = "MomentumAnnealingEMA";

    /// <summary>The running mean of the weights (stochastic weight averaging).</summary>
    public const string StochasticWeightAverage = "StochasticWeightAverage";

    /// <summary>The checkpoint entry of the averaged model's state, mmengine's name.</summary>
    public const string StateKey = "ema_state_dict";

    /// <summary>The entry of <see cref="StateKey"/> that counts the updates, mmengine's name.</summary>
    public const string StepsKey = "steps";

    /// <summary>What the averaged model's entries start with in <see cref="StateKey"/> (mmengine's <c>module</c> attribute).</summary>
    public const string ModulePrefix = "module.";

    private const double DefaultMomentum = 0.0002;
    private const int DefaultGamma = 100;

    private readonly string emaType;
    private readonly double momentum;
    private readonly int gamma;
    private readonly int interval;
    private readonly bool updateBuffers;
    private readonly bool strictLoad;
    private readonly int beginIter;
    private readonly int beginEpoch;
    private readonly int priority;

    // The averaged copy, by state-dict name; built at the start of each run.
    private readonly OrderedDictionary<string, Tensor> averages = new(StringComparer.Ordinal);
    private Entry[] entries = [];
    private long steps;

    // The averaged state a resume read, applied once the averaged copy exists.
    private Dictionary<string, Tensor>? resumed;
    private long resumedSteps;

    /// <summary>Creates the hook.</summary>
    /// <param name="emaType">The averaging: "ExponentialMovingAverage", "MomentumAnnealingEMA" or "StochasticWeightAverage".</param>
    /// <param name="strictLoad">On resume, refuse an <c>ema_state_dict</c> whose names differ from the model's.</param>
    /// <param name="beginIter">Average from this iteration on (until then the copy follows the model); not with begin_epoch.</param>
    /// <param name="beginEpoch">Average from this epoch on; not with begin_iter.</param>
    /// <param name="momentum">The weight of the model in each update, between 0 and 1 exclusive (small: mmengine's sense, not the optimizer's); 0.0002 when left out. Not for StochasticWeightAverage.</param>
    /// <param name="gamma">MomentumAnnealingEMA's annealing: the momentum is max(momentum, gamma / (gamma + steps)); 100 when left out.</param>
    /// <param name="interval">Average every this many updates.</param>
    /// <param name="device">mmengine's device for the copy; the copy stays on the model's device here, so only null is accepted.</param>
    /// <param name="updateBuffers">Average the buffers too (batch-norm statistics) instead of copying them.</param>
    /// <param name="priority">When the hook runs among others, by mmengine's names ("ABOVE_NORMAL" runs it before "NORMAL" hooks).</param>
    public EMAHook(
        [OneOf(ExponentialMovingAverage, MomentumAnnealingEMA, StochasticWeightAverage)] string emaType = ExponentialMovingAverage,
        bool strictLoad = false,
        [ValueRange(Minimum = 0)] int beginIter = 0,
        [ValueRange(Minimum = 0)] int beginEpoch = 0,
        [ValueRange(0, 1, MinimumExclusive = true, MaximumExclusive = true)] double? momentum = null,
        [ValueRange(Minimum = 1)] int? gamma = null,
        [ValueRange(Minimum = 1)] int interval = 1,
        string? device = null,
        bool updateBuffers = false,
        string priority = "NORMAL")
    {
        if (emaType is not (ExponentialMovingAverage or MomentumAnnealingEMA or StochasticWeightAverage))
        {
            throw new ConfigValueException("ema_type", emaType, $"\"{ExponentialMovingAverage}\", \"{MomentumAnnealingEMA}\" or \"{StochasticWeightAverage}\"");
        }

        if (beginIter < 0)
        {
            throw new ConfigValueException("begin_iter", beginIter, ">= 0");
        }

        if (beginEpoch < 0)
        {
            throw new ConfigValueException("begin_epoch", beginEpoch, ">= 0");
        }

        if (beginIter != 0 && beginEpoch != 0)
        {
            throw new ConfigValueException("begin_epoch", beginEpoch, $"0 when begin_iter is set ({beginIter}): give one of the two");
        }

        if (momentum is { } given && !(given > 0 && given < 1))
        {
            throw new ConfigValueException("momentum", given, "between 0 and 1 (exclusive)");
        }

        if (momentum is not null && emaType == StochasticWeightAverage)
        {
            throw new ConfigValueException("momentum", momentum, $"left out: {StochasticWeightAverage} takes no momentum");
        }

        if (gamma is not null && emaType != MomentumAnnealingEMA)
        {
            throw new ConfigValueException("gamma", gamma, $"left out: only ema_type \"{MomentumAnnealingEMA}\" takes gamma");
        }

        if (gamma is < 1)
        {
            throw new ConfigValueException("gamma", gamma, ">= 1");
        }

        if (interval < 1)
        {
            throw new ConfigValueException("interval", interval, ">= 1");
        }

        if (device is not null)
        {
            throw new ConfigValueException("device", device, "null: the averaged copy stays on the model's device");
        }

        this.emaType = emaType;
        this.momentum = momentum ?? DefaultMomentum;
        this.gamma = gamma ?? DefaultGamma;
        this.interval = interval;
        this.updateBuffers = updateBuffers;
        this.strictLoad = strictLoad;
        this.beginIter = beginIter;
        this.beginEpoch = beginEpoch;
        this.priority = PriorityOf(priority);
    }

    /// <inheritdoc />
    public override int Priority => priority;

    /// <summary>How many times the copy has been updated since averaging began (mmengine's <c>steps</c>).</summary>
    public long Steps => steps;

    /// <summary>The averaged copy by state-dict name (the training weights while they are swapped in for evaluation); empty before the run starts.</summary>
    public IReadOnlyDictionary<string, Tensor> Averages => averages;

    /// <inheritdoc />
    public override void BeforeRun(HookContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReleaseAverages();
        var parameterNames = context.Model.named_parameters().Select(pair => pair.name).ToHashSet(StringComparer.Ordinal);
        var built = new List<Entry>();
        using (torch.no_grad())
        {
            // Not in a dispose scope: the model's own tensors are kept, and are updated in place by the optimizer.
            foreach (var (name, source) in context.Model.state_dict())
            {
                var average = source.detach().clone().DetachFromDisposeScope();
                averages[name] = average;
                var isParameter = parameterNames.Contains(name);
                var weight = average.is_floating_point()
                    ? torch.tensor(momentum, average.dtype, average.device).DetachFromDisposeScope()
                    : null;
                built.Add(new Entry(average, source, Averaged: isParameter || updateBuffers, weight));
            }
        }

        entries = [.. built];
        steps = 0;
        if (resumed is not null)
        {
            RestoreResumed();
        }

        if (momentum > 0.5)
        {
            context.Say($"warning: EMAHook momentum {momentum} is large. In mmengine it is the weight of the new weights in each update (usually 1e-4 to 1e-3), the complement of the usual notion of momentum.");
        }

        if (beginEpoch > context.MaxEpochs && context.MaxEpochs > 0)
        {
            context.Say($"warning: EMAHook begin_epoch {beginEpoch} is after the last epoch ({context.MaxEpochs}): the averaged copy only follows the model.");
        }
        else if (beginIter > context.MaxIterations)
        {
            context.Say($"warning: EMAHook begin_iter {beginIter} is after the last iteration ({context.MaxIterations}): the averaged copy only follows the model.");
        }
    }

    /// <summary>Updates the averaged copy from the model's weights after the step.</summary>
    public override void AfterTrainIter(HookContext context, IReadOnlyDictionary<string, double> outputs)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (!Started(context))
        {
            foreach (var entry in entries)
            {
                entry.Average.copy_(entry.Source);
            }

            return;
        }

        if (steps == 0)
        {
            foreach (var entry in entries.Where(entry => entry.Averaged))
            {
                entry.Average.copy_(entry.Source);
            }
        }
        else if (steps % interval == 0)
        {
            Average();
        }

        if (!updateBuffers)
        {
            foreach (var entry in entries.Where(entry => !entry.Averaged))
            {
                entry.Average.copy_(entry.Source);
            }
        }

        steps++;
    }

    /// <summary>Swaps the averaged weights into the model for the validation.</summary>
    public override void BeforeValEpoch(HookContext context) => Swap();

    /// <summary>Swaps the training weights back.</summary>
    public override void AfterValEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics) => Swap();

    /// <summary>Swaps the averaged weights into the model for the test.</summary>
    public override void BeforeTestEpoch(HookContext context) => Swap();

    /// <summary>Swaps the training weights back.</summary>
    public override void AfterTestEpoch(HookContext context, IReadOnlyDictionary<string, double> metrics) => Swap();

    /// <summary>Writes <c>ema_state_dict</c> and swaps it with <c>state_dict</c>, so that the checkpoint's weights are the averaged ones.</summary>
    public override void BeforeSaveCheckpoint(HookContext context, IDictionary<string, object?> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (averages.Count == 0 || !checkpoint.TryGetValue("state_dict", out var value) || value is not IDictionary stateDict)
        {
            return;
        }

        // The steps tensor joins the caller's dispose scope; the averages are long-lived and only lent.
        var state = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal) { [StepsKey] = torch.tensor(steps) };
        foreach (var (name, average) in averages)
        {
            state[ModulePrefix + name] = average;
        }

        checkpoint[StateKey] = state;
        SwapStateDicts(stateDict, state);
    }

    /// <summary>
    /// On resume: swaps <c>ema_state_dict</c> and <c>state_dict</c> back, so the model resumes the
    /// training weights, and keeps the averaged state for the run. A checkpoint without it starts
    /// the average from the checkpoint's weights, with a warning.
    /// </summary>
    public override void AfterLoadCheckpoint(HookContext context, IDictionary<string, object?> checkpoint)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ReleaseResumed();
        if (!checkpoint.TryGetValue(StateKey, out var value) || value is not IDictionary state
            || !checkpoint.TryGetValue("state_dict", out var modelValue) || modelValue is not IDictionary stateDict)
        {
            context.Say($"warning: the checkpoint has no {StateKey}; EMAHook starts its average from the checkpoint's weights.");
            return;
        }

        SwapStateDicts(stateDict, state);
        resumed = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in state)
        {
            if (entry.Key is string key && entry.Value is Tensor tensor)
            {
                if (key == StepsKey)
                {
                    resumedSteps = tensor.item<long>();
                }
                else if (key.StartsWith(ModulePrefix, StringComparison.Ordinal))
                {
                    resumed[key[ModulePrefix.Length..]] = tensor.detach().clone().DetachFromDisposeScope();
                }
            }
        }
    }

    /// <summary>Releases the averaged copy.</summary>
    public void Dispose()
    {
        ReleaseAverages();
        ReleaseResumed();
    }

    // mmengine's _ema_started: epochs and iterations count from 1 here, as the runner's have been completed.
    private bool Started(HookContext context) =>
        beginEpoch > 0 ? context.Epoch + 1 >= beginEpoch : context.Iteration >= beginIter;

    private void Average()
    {
        switch (emaType)
        {
            case StochasticWeightAverage:
                // mmengine: avg += (x - avg) / (steps // interval + 1).
                using (var alpha = (1.0 / (steps / interval + 1)).ToScalar())
                {
                    foreach (var entry in entries.Where(entry => entry.Averaged && entry.Weight is not null))
                    {
                        entry.Average.add_(entry.Source.add(entry.Average, ScalarConstants.MinusOne), alpha);
                    }
                }

                break;
            case MomentumAnnealingEMA:
                using (var annealed = Math.Max(momentum, (double)gamma / (gamma + steps)).ToScalar())
                {
                    foreach (var entry in entries.Where(entry => entry.Averaged && entry.Weight is not null))
                    {
                        entry.Average.lerp_(entry.Source, entry.Weight!.fill_(annealed));
                    }
                }

                break;
            default:
                foreach (var entry in entries.Where(entry => entry.Averaged && entry.Weight is not null))
                {
                    entry.Average.lerp_(entry.Source, entry.Weight!);
                }

                break;
        }
    }

    // mmengine's _swap_ema_parameters: the averaged entries trade values with the model's.
    private void Swap()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var entry in entries.Where(entry => entry.Averaged))
        {
            var kept = entry.Average.clone();
            entry.Average.copy_(entry.Source);
            entry.Source.copy_(kept);
        }
    }

    // mmengine's _swap_ema_state_dict: each module.NAME of the averaged state trades its tensor with NAME of the model's.
    private static void SwapStateDicts(IDictionary stateDict, IDictionary state)
    {
        foreach (var key in state.Keys.OfType<string>().Where(key => key.StartsWith(ModulePrefix, StringComparison.Ordinal)).ToList())
        {
            var name = key[ModulePrefix.Length..];
            if (stateDict.Contains(name))
            {
                (stateDict[name], state[key]) = (state[key], stateDict[name]);
            }
        }
    }

    private void RestoreResumed()
    {
        var missing = averages.Keys.Where(name => !resumed!.ContainsKey(name)).ToList();
        var unexpected = resumed!.Keys.Where(name => !averages.ContainsKey(name)).ToList();
        if (strictLoad && (missing.Count > 0 || unexpected.Count > 0))
        {
            throw new InvalidDataException(
                $"The checkpoint's {StateKey} does not fit the model (EMAHook strict_load): missing {Names(missing)}; unexpected {Names(unexpected)}.");
        }

        using (torch.no_grad())
        {
            foreach (var (name, tensor) in resumed!)
            {
                if (averages.TryGetValue(name, out var average) && average.shape.SequenceEqual(tensor.shape))
                {
                    average.copy_(tensor);
                }
            }
        }

        steps = resumedSteps;
        ReleaseResumed();

        static string Names(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? $" and {names.Count - 5} more" : string.Empty);
    }

    private void ReleaseAverages()
    {
        foreach (var entry in entries)
        {
            entry.Average.Dispose();
            entry.Weight?.Dispose();
        }

        entries = [];
        averages.Clear();
    }

    private void ReleaseResumed()
    {
        foreach (var tensor in resumed?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }

        resumed = null;
        resumedSteps = 0;
    }

    /// <summary>One state-dict entry: its averaged copy, the model's tensor, whether it is averaged (else copied), and the lerp weight of a floating-point one.</summary>
    private sealed record Entry(Tensor Average, Tensor Source, bool Averaged, Tensor? Weight);
}
