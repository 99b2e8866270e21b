using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Evaluation;
using ImageClassifier.Engine.Hooks;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Hooks;

/// <summary>
/// EMAHook: its averages against a float64 reference written in this test from mmengine's
/// formulas (<c>mmengine/model/averaged_model.py</c> and <c>hooks/ema_hook.py</c>: the first update
/// copies, later ones every <c>interval</c>-th lerp by momentum, anneal, or take the running mean,
/// only floating-point entries; buffers copied unless <c>update_buffers</c>; nothing averaged before
/// <c>begin_iter</c> / <c>begin_epoch</c>); the swaps for evaluation; checkpoints in mmengine's layout;
/// and training runs that validate, test and resume with it.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class EMAHookTests : IDisposable
{
    private const int StepsPerEpoch = 3;
    private readonly TinyExperiment experiment = new("\"custom_hooks\": [{\"type\": \"EMAHook\", \"momentum\": 0.2, \"priority\": \"ABOVE_NORMAL\"}]");

    public void Dispose() => experiment.Dispose();

    public static TheoryData<string, double?, int?, int, bool, int, int> Averagings() => new()
    {
        { EMAHook.ExponentialMovingAverage, 0.3, null, 1, false, 0, 0 },
        { EMAHook.ExponentialMovingAverage, 0.6, null, 2, true, 0, 0 },
        { EMAHook.MomentumAnnealingEMA, 0.01, 4, 2, false, 0, 0 },
        { EMAHook.StochasticWeightAverage, null, null, 3, true, 0, 0 },
        { EMAHook.ExponentialMovingAverage, 0.3, null, 1, false, 5, 0 },
        { EMAHook.ExponentialMovingAverage, 0.3, null, 1, false, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(Averagings))]
    public void Averages_as_mmengines_formulas_say(string emaType, double? momentum, int? gamma, int interval, bool updateBuffers, int beginIter, int beginEpoch)
    {
        using var model = experiment.Read().BuildModel();
        using var optimizer = experiment.Read().BuildOptimizer(model);
        var hook = new EMAHook(emaType, beginIter: beginIter, beginEpoch: beginEpoch, momentum: momentum, gamma: gamma, interval: interval, updateBuffers: updateBuffers);
        var names = model.named_parameters().Select(pair => pair.name).ToHashSet();
        var reference = Snapshot(model);
        var floating = model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.is_floating_point());
        hook.BeforeRun(Context(model, optimizer, 0));
        long steps = 0;
        var random = new Random(7);

        for (var iteration = 1; iteration <= 14; iteration++)
        {
            Perturb(model, random);
            var source = Snapshot(model);
            var epoch = (iteration - 1) / StepsPerEpoch;
            hook.AfterTrainIter(Context(model, optimizer, iteration), new Dictionary<string, double>());

            var started = beginEpoch > 0 ? epoch + 1 >= beginEpoch : iteration >= beginIter;
            if (!started)
            {
                reference = source.ToDictionary(pair => pair.Key, pair => (double[])pair.Value.Clone());
                continue;
            }

            foreach (var (name, values) in source)
            {
                var averaged = names.Contains(name) || updateBuffers;
                if (!averaged || steps == 0)
                {
                    reference[name] = (double[])values.Clone();
                }
                else if (steps % interval == 0 && floating[name])
                {
                    var weight = emaType switch
                    {
                        EMAHook.StochasticWeightAverage => 1.0 / ((steps / interval) + 1),
                        EMAHook.MomentumAnnealingEMA => Math.Max(momentum!.Value, (double)gamma!.Value / (gamma.Value + steps)),
                        _ => momentum!.Value,
                    };
                    for (var i = 0; i < values.Length; i++)
                    {
                        reference[name][i] += weight * (values[i] - reference[name][i]);
                    }
                }
            }

            steps++;
        }

        Assert.Equal(steps, hook.Steps);
        var farFromSource = 0;
        foreach (var (name, expected) in reference)
        {
            var actual = ToDoubles(hook.Averages[name]);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i])), $"{name}[{i}]: {actual[i]} instead of {expected[i]}");
            }

            farFromSource += expected.Zip(ToDoubles(model.state_dict()[name])).Count(pair => Math.Abs(pair.First - pair.Second) > 1e-3);
        }

        // The averages must differ from the weights they follow, or this test could not fail.
        Assert.True(farFromSource > 100, $"only {farFromSource} averaged values differ from the model's");
    }

    [Fact]
    public void Swaps_the_averages_in_for_evaluation_and_back_for_training()
    {
        using var model = experiment.Read().BuildModel();
        using var optimizer = experiment.Read().BuildOptimizer(model);
        var hook = new EMAHook(momentum: 0.5);
        hook.BeforeRun(Context(model, optimizer, 0));
        var random = new Random(3);
        for (var iteration = 1; iteration <= 4; iteration++)
        {
            Perturb(model, random);
            hook.AfterTrainIter(Context(model, optimizer, iteration), new Dictionary<string, double>());
        }

        var training = Snapshot(model);
        var averages = hook.Averages.ToDictionary(pair => pair.Key, pair => ToDoubles(pair.Value));
        var parameters = model.named_parameters().Select(pair => pair.name).ToHashSet();

        hook.BeforeValEpoch(Context(model, optimizer, 4));
        var evaluated = Snapshot(model);
        hook.AfterValEpoch(Context(model, optimizer, 4), new Dictionary<string, double>());

        foreach (var name in parameters)
        {
            Assert.Equal(averages[name], evaluated[name]);
            Assert.NotEqual(training[name], evaluated[name]);
        }

        Assert.Equal(training, Snapshot(model));
    }

    [Fact]
    public void Checkpoints_hold_the_averages_in_state_dict_and_the_training_weights_in_ema_state_dict()
    {
        using var model = experiment.Read().BuildModel();
        using var optimizer = experiment.Read().BuildOptimizer(model);
        var hook = new EMAHook(momentum: 0.5);
        hook.BeforeRun(Context(model, optimizer, 0));
        var random = new Random(5);
        for (var iteration = 1; iteration <= 3; iteration++)
        {
            Perturb(model, random);
            hook.AfterTrainIter(Context(model, optimizer, iteration), new Dictionary<string, double>());
        }

        var stateDict = model.state_dict();
        var checkpoint = new Dictionary<string, object?> { ["state_dict"] = stateDict };

        hook.BeforeSaveCheckpoint(Context(model, optimizer, 3), checkpoint);

        var state = Assert.IsType<OrderedDictionary<string, Tensor>>(checkpoint[EMAHook.StateKey]);
        Assert.Equal([EMAHook.StepsKey, .. stateDict.Keys.Select(name => EMAHook.ModulePrefix + name)], state.Keys);
        Assert.Equal(3, state[EMAHook.StepsKey].item<long>());
        foreach (var name in stateDict.Keys)
        {
            Assert.Same(hook.Averages[name], stateDict[name]);
            Assert.Equal(ToDoubles(model.state_dict()[name]), ToDoubles(state[EMAHook.ModulePrefix + name]));
        }

        // A resume swaps them back: the model resumes training weights, a new hook the averages.
        var resumed = new EMAHook(momentum: 0.5);
        resumed.AfterLoadCheckpoint(Context(model, optimizer, 0), checkpoint);
        foreach (var name in stateDict.Keys)
        {
            Assert.Equal(ToDoubles(model.state_dict()[name]), ToDoubles((Tensor)stateDict[name]));
        }

        resumed.BeforeRun(Context(model, optimizer, 3));
        Assert.Equal(3, resumed.Steps);
        foreach (var name in stateDict.Keys)
        {
            Assert.Equal(ToDoubles(hook.Averages[name]), ToDoubles(resumed.Averages[name]));
        }
    }

    [Fact]
    public void Validation_and_test_see_the_averaged_weights()
    {
        var read = experiment.Read("train_cfg.max_epochs=1");
        var recording = new RecordingMetric.Config();
        var run = With(read, val: [recording], test: [recording]);
        var workDir = experiment.WorkDir();
        using var runner = new Runner(run, experiment.Options(workDir));
        runner.Train();
        var validated = RecordingMetric.Last!;
        var training = runner.Model!.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().clone());
        var test = runner.Test();
        var tested = RecordingMetric.Last!;

        var checkpoint = TorchCheckpointReader.ReadDictionary(Path.Combine(workDir, "epoch_1.pth"));
        var averaged = StateDictLoader.SelectStateDict(checkpoint);
        var expected = Scores(read, averaged);
        var fromTraining = Scores(read, training);

        Assert.True(expected.allclose(validated, rtol: 0, atol: 1e-6), "the validation did not score the averaged weights");
        Assert.True(expected.allclose(tested, rtol: 0, atol: 1e-6), "the test did not score the averaged weights");
        Assert.False(fromTraining.allclose(expected, rtol: 0, atol: 1e-3), "the averaged and the training weights score alike, so this test could not fail");

        // After the test the model holds its training weights again, and ema_state_dict has them too.
        var state = (System.Collections.IDictionary)checkpoint[EMAHook.StateKey]!;
        foreach (var (name, tensor) in training)
        {
            Assert.True(tensor.allclose(runner.Model!.state_dict()[name], rtol: 0, atol: 0), $"{name} was not swapped back after the test");
            Assert.True(tensor.allclose((Tensor)state[EMAHook.ModulePrefix + name]!, rtol: 0, atol: 0), $"ema_state_dict's {name} is not the training weight");
        }

        Assert.Equal(8, ((Tensor)state[EMAHook.StepsKey]!).item<long>());
    }

    [Fact]
    public void A_resumed_run_ends_with_the_weights_and_averages_of_an_uninterrupted_one()
    {
        var (straight, straightWeights) = experiment.Train(experiment.WorkDir("straight"));
        var workDir = experiment.WorkDir("resumed");
        using (var cancelled = new CancellationTokenSource())
        {
            cancelled.Cancel();
            experiment.Train(workDir, cancellation: cancelled.Token);
        }

        var (resumed, resumedWeights) = experiment.Train(workDir, Path.Combine(workDir, "iter_1.pth"));

        Assert.True(straight.Completed && resumed.Completed);
        var expected = TorchCheckpointReader.ReadDictionary(straight.LastCheckpoint!);
        var actual = TorchCheckpointReader.ReadDictionary(resumed.LastCheckpoint!);
        foreach (var (name, tensor) in straightWeights)
        {
            Assert.True(tensor.allclose(resumedWeights[name], rtol: 0, atol: 1e-6), $"training weight {name} differs after the resume");
        }

        foreach (var key in new[] { "state_dict", EMAHook.StateKey })
        {
            var expectedState = (System.Collections.IDictionary)expected[key]!;
            var actualState = (System.Collections.IDictionary)actual[key]!;
            Assert.Equal(expectedState.Count, actualState.Count);
            foreach (System.Collections.DictionaryEntry entry in expectedState)
            {
                Assert.True(((Tensor)entry.Value!).allclose((Tensor)actualState[entry.Key]!, rtol: 0, atol: 1e-6), $"{key}.{entry.Key} differs after the resume");
            }
        }
    }

    [Theory]
    [InlineData("{\"type\": \"EMAHook\", \"momentum\": 1.5}", "momentum")]
    [InlineData("{\"type\": \"EMAHook\", \"gamma\": 10}", "gamma")]
    [InlineData("{\"type\": \"EMAHook\", \"ema_type\": \"StochasticWeightAverage\", \"momentum\": 0.1}", "momentum")]
    [InlineData("{\"type\": \"EMAHook\", \"begin_iter\": 10, \"begin_epoch\": 2}", "begin_epoch")]
    [InlineData("{\"type\": \"EMAHook\", \"device\": \"cpu\"}", "device")]
    [InlineData("{\"type\": \"EMAHook\", \"priority\": \"SOMETIMES\"}", "priority")]
    [InlineData("{\"type\": \"EMAHook\", \"ema_type\": \"Polyak\"}", "ema_type")]
    public void Bad_values_are_config_errors_at_their_key(string hook, string key)
    {
        using var bad = new TinyExperiment($"\"custom_hooks\": [{hook}]");

        var error = Assert.ThrowsAny<ConfigException>(() => bad.Read().BuildHooks());

        Assert.Contains($"$.custom_hooks[0].{key}", error.Message);
        Assert.Contains(bad.ConfigPath, error.Message);
    }

    [Fact]
    public void Takes_mmengines_priority_names()
    {
        Assert.Equal(40, new EMAHook(priority: "ABOVE_NORMAL").Priority);
        Assert.Equal(Hook.NormalPriority, new EMAHook().Priority);
    }

    private static HookContext Context(Classifier model, optim.Optimizer optimizer, int iteration) =>
        new("work", (iteration - 1) / StepsPerEpoch, iteration, 5, 15, model, optimizer, _ => { });

    // A training step's worth of change to every parameter and buffer.
    private static void Perturb(Classifier model, Random random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, value) in model.state_dict())
        {
            if (value.is_floating_point())
            {
                var noise = tensor(Enumerable.Range(0, (int)value.numel()).Select(_ => (float)((random.NextDouble() - 0.5) * 0.2)).ToArray()).reshape(value.shape);
                value.add_(noise, ScalarConstants.One);
            }
            else
            {
                value.add_(ScalarConstants.One, ScalarConstants.One);
            }
        }
    }

    private static Dictionary<string, double[]> Snapshot(Classifier model) =>
        model.state_dict().ToDictionary(pair => pair.Key, pair => ToDoubles(pair.Value));

    private static double[] ToDoubles(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to_type(ScalarType.Float64).cpu().reshape(-1).data<double>().ToArray();
    }

    // The scores the run's model gives the validation data with the given weights, unfolded.
    private static Tensor Scores(RunDefinition run, IReadOnlyDictionary<string, Tensor> weights)
    {
        using var model = run.BuildModel();
        StateDictLoader.Load(model, weights, strict: true);
        var recording = new RecordingMetric();
        Evaluator.Evaluate(model, run.BuildDataLoader(RunStage.Val, seed: 0), [recording], CPU);
        return RecordingMetric.Last!;
    }

    private static RunDefinition With(RunDefinition run, IReadOnlyList<ComponentConfig<Metric>> val, IReadOnlyList<ComponentConfig<Metric>> test) => new()
    {
        Model = run.Model,
        TrainDataloader = run.TrainDataloader,
        ValDataloader = run.ValDataloader,
        TestDataloader = run.TestDataloader,
        OptimWrapper = run.OptimWrapper,
        ParamSchedulers = run.ParamSchedulers,
        TrainLoop = run.TrainLoop,
        ValEvaluator = val,
        TestEvaluator = test,
        Checkpoint = run.Checkpoint,
        LoggerInterval = run.LoggerInterval,
        Hooks = run.Hooks,
        Seed = run.Seed,
    };
}
