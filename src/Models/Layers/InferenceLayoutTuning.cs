using System.Diagnostics;
using System.Globalization;
using ImageClassifier.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Times a model built for inference with channels-last weights and with NCHW ones on one batch,
/// and leaves it in the faster layout (<c>ICLS_CHANNELS_LAST=auto</c>; channels-last is the
/// default, being as fast or faster for every zoo family measured, docs/zoo.md#speed). The verdict
/// is remembered per machine, model and batch shape in <see cref="CacheFile"/> under
/// <see cref="IclsHome"/>, so only the first process pays for the timing: <see cref="WarmUps"/>
/// passes in each layout, then <see cref="Rounds"/> alternating timed passes of each. Both layouts
/// compute the same function, within float32 rounding.
/// </summary>
public static class InferenceLayoutTuning
{
    /// <summary>The cache file's name under the cache folder.</summary>
    public const string CacheFile = "inference-layouts.json";

    /// <summary>Untimed passes per layout first: oneDNN builds its kernels and .NET compiles the forward pass on the first.</summary>
    public const int WarmUps = 2;

    /// <summary>Timed passes per layout, alternating, after the warm-ups.</summary>
    public const int Rounds = 3;

    /// <summary>Leaves <paramref name="model"/> in the faster layout for batches like <paramref name="batch"/>.</summary>
    /// <param name="model">A model already rewritten for inference (<see cref="InferenceRewrite"/>), in evaluation mode.</param>
    /// <param name="batch">A batch as the forward pass takes it.</param>
    /// <param name="forward">The forward pass to time; its outputs are disposed here.</param>
    /// <param name="cacheDirectory">Where verdicts are remembered; null times in every process.</param>
    /// <param name="time">Measures one call of the action (tests make one layout win); by default a stopwatch.</param>
    public static InferenceLayoutDecision Tune(nn.Module model, Tensor batch, Func<Tensor, Tensor> forward, string? cacheDirectory, Func<Action, TimeSpan>? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(forward);
        time ??= Measure;
        var key = Key(model, batch);
        if (cacheDirectory is not null && MachineCache.TryRead(cacheDirectory, CacheFile, key)?.Split(';')[0] is ("channels_last" or "contiguous") and var layout)
        {
            var cached = new InferenceLayoutDecision(layout == "channels_last", null, null, FromCache: true);
            SetLayout(model, cached.ChannelsLast);
            return cached;
        }

        // Inference mode around the passes only: restriding the weights outside it keeps them
        // ordinary tensors.
        void Pass()
        {
            using var inference = torch.inference_mode();
            using var scope = torch.NewDisposeScope();
            forward(batch);
        }

        var timings = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        foreach (var channelsLast in new[] { true, false })
        {
            SetLayout(model, channelsLast);
            for (var pass = 0; pass < WarmUps; pass++)
            {
                Pass();
            }
        }

        for (var round = 0; round < Rounds; round++)
        {
            // Alternating which layout goes first keeps a drift in the machine's speed out of the verdict.
            foreach (var channelsLast in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                SetLayout(model, channelsLast);
                timings[channelsLast].Add(time(Pass).TotalMilliseconds);
            }
        }

        var channelsLastMs = Median(timings[true]);
        var contiguousMs = Median(timings[false]);
        var decision = new InferenceLayoutDecision(channelsLastMs <= contiguousMs, channelsLastMs, contiguousMs, FromCache: false);
        SetLayout(model, decision.ChannelsLast);
        if (cacheDirectory is not null)
        {
            MachineCache.Write(cacheDirectory, CacheFile, key, string.Create(
                CultureInfo.InvariantCulture,
                $"{decision.Layout}; {channelsLastMs:F2} ms channels-last, {contiguousMs:F2} ms NCHW, batch ({string.Join(", ", batch.shape)}), timed {DateTimeOffset.UtcNow:yyyy-MM-dd}"));
        }

        return decision;
    }

    // The machine, the thread count, the architecture (module types, parameter names and shapes)
    // and the batch's shape and type: what decides which layout is faster, and nothing of the
    // weights' values, which do not.
    private static string Key(nn.Module model, Tensor batch)
    {
        var modules = string.Join(",", model.named_modules().Select(entry => entry.module.GetType().Name));
        var parameters = string.Join(";", model.named_parameters().Select(entry => $"{entry.name}:{string.Join("x", entry.parameter.shape)}"));
        return MachineCache.Hash(string.Join(
            "\n",
            MachineCache.MachineKey(),
            torch.get_num_threads().ToString(CultureInfo.InvariantCulture),
            model.GetType().FullName,
            modules,
            parameters,
            string.Join("x", batch.shape),
            batch.dtype.ToString(),
            batch.device_type.ToString()));
    }

    private static void SetLayout(nn.Module model, bool channelsLast)
    {
        if (channelsLast)
        {
            ChannelsLastWeights.Apply(model);
        }
        else
        {
            ChannelsLastWeights.Remove(model);
        }
    }

    private static TimeSpan Measure(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
