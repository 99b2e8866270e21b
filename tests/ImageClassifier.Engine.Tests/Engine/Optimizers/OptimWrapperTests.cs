using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Logging;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SafeSgd = ImageClassifier.Engine.Optimizers.SGD;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// The optimizer wrapper: the one way gradients reach the optimizer, with the reducer between
/// backward and step, clipping by norm or by value, and mmengine's gradient accumulation.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class OptimWrapperTests
{
    [Fact]
    public void A_plain_wrapper_steps_as_the_optimizer_alone_does()
    {
        using var scope = NewDisposeScope();
        var (weight, wrapper) = Create(reducer: null);

        wrapper.ZeroGrad();
        wrapper.UpdateParams((weight * 3.0f).sum());

        // d/dw sum(3w) = 3, so SGD with lr 0.1 takes 0.3 off every element.
        Assert.Equal([0.7f, 1.7f], weight.data<float>().ToArray());
    }

    [Fact]
    public void The_reducer_sees_the_gradients_after_backward_and_before_the_step()
    {
        using var scope = NewDisposeScope();
        var reducer = new HalvingReducer();
        var (weight, wrapper) = Create(reducer);

        wrapper.ZeroGrad();
        wrapper.UpdateParams((weight * 3.0f).sum());

        Assert.Equal([3f, 3f], reducer.Seen);
        Assert.Equal([0.85f, 1.85f], weight.data<float>().ToArray());
    }

    [Fact]
    public void Clipping_applies_to_the_reduced_gradients()
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(tensor(new[] { 1f, 2f }));
        var wrapper = new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], ClipGradSettings.Norm(1.0), reducer: new HalvingReducer());

        wrapper.ZeroGrad();
        wrapper.UpdateParams((weight * 3.0f).sum());

        // Reduced to (1.5, 1.5), norm 2.12, clipped to norm 1: each element 1/sqrt(2).
        var step = 0.1f / MathF.Sqrt(2);
        Assert.Equal(1f - step, weight.data<float>()[0], 5);
        Assert.Equal(2f - step, weight.data<float>()[1], 5);
    }

    [Fact]
    public void Clipping_by_value_clamps_each_gradient()
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(tensor(new[] { 1f, 2f }));
        var wrapper = new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], ClipGradSettings.Value(1.0));

        wrapper.UpdateParams((weight * tensor(new[] { 3f, -0.5f })).sum());

        // Gradients (3, -0.5) clamped to (1, -0.5).
        Assert.Equal([0.9f, 2.05f], weight.data<float>().ToArray());
    }

    [Fact]
    public void A_non_finite_gradient_norm_stops_training_only_with_error_if_nonfinite()
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(tensor(new[] { 1f, 2f }));
        var strict = new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], new ClipGradSettings { MaxNorm = 1, ErrorIfNonfinite = true });
        var lenient = new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], ClipGradSettings.Norm(1));

        Assert.Throws<InvalidOperationException>(() => strict.UpdateParams((weight * float.PositiveInfinity).sum()));
        lenient.UpdateParams((weight * float.PositiveInfinity).sum());
    }

    [Fact]
    public void Accumulated_steps_over_batches_of_b_equal_steps_over_their_union()
    {
        // A linear model (no batch norm) and a mean loss: four accumulated batches of 8 give the
        // gradient of one batch of 32. Two steps each, so momentum and weight decay take part.
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var inputs = randn([8, 8, 5], generator: generator);
        var targets = randn([8, 8, 2], generator: generator);
        var start = randn([2, 5], generator: generator);
        (float[] Weights, bool[] Stepped) Train(Tensor batchInputs, Tensor batchTargets, int accumulativeCounts)
        {
            var weight = new Parameter(start.clone());
            var wrapper = new OptimWrapper(new SafeSgd([weight], 0.1, 0.9, 0, 1e-3, false), [weight], accumulativeCounts: accumulativeCounts);
            var stepped = Enumerable.Range(0, (int)batchInputs.shape[0])
                .Select(i => wrapper.UpdateParams(batchInputs[i].matmul(weight.t()).sub(batchTargets[i]).pow(2).mean()))
                .ToArray();
            return (weight.data<float>().ToArray(), stepped);
        }

        var accumulated = Train(inputs, targets, accumulativeCounts: 4);
        var whole = Train(inputs.reshape(2, 32, 5), targets.reshape(2, 32, 2), accumulativeCounts: 1);

        Assert.Equal([false, false, false, true, false, false, false, true], accumulated.Stepped);
        Assert.Equal(whole.Weights.Length, accumulated.Weights.Length);
        Assert.All(whole.Weights.Zip(accumulated.Weights), pair => Assert.Equal(pair.First, pair.Second, 1e-6f));
    }

    [Fact]
    public void The_runs_last_iterations_step_with_the_loss_divided_by_their_count()
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(zeros(1));
        var wrapper = new OptimWrapper(new SafeSgd([weight], 1.0, 0, 0, 0, false), [weight], accumulativeCounts: 3);
        using var model = nn.Linear(1, 1);
        Assert.Empty(wrapper.InitializeCountStatus(model, 0, 5));

        // Gradients 1, 2, 3 (one step on their mean), then 4 and 6, the run's last two (one step on their mean).
        var stepped = new[] { 1f, 2f, 3f, 4f, 6f }.Select(gradient => wrapper.UpdateParams((weight * gradient).sum())).ToArray();

        Assert.Equal([false, false, true, false, true], stepped);
        Assert.Equal(-(2f + 5f), weight.item<float>(), 5);
    }

    [Fact]
    public void Counting_warns_as_mmengine_does()
    {
        var wrapper = new OptimWrapper(new SafeSgd([new Parameter(zeros(1))], 1.0, 0, 0, 0, false), [], accumulativeCounts: 4);
        using var plain = nn.Linear(1, 1);
        using var normalized = new ImageClassifier.Models.Layers.BatchNorm2d(1);

        Assert.Empty(wrapper.InitializeCountStatus(plain, 8, 20));
        Assert.Contains("not a multiple of accumulative_counts (4)", Assert.Single(wrapper.InitializeCountStatus(plain, 6, 20)));
        Assert.Contains("batch norm", Assert.Single(wrapper.InitializeCountStatus(normalized, 0, 20)));
    }

    [Fact]
    public void A_run_that_accumulates_logs_the_models_losses_and_schedules_every_iteration()
    {
        using var experiment = new TinyExperiment();
        IReadOnlyList<TrainScalars> Train(string name, int accumulativeCounts, TextWriter output)
        {
            var workDir = experiment.WorkDir(name);
            using (var runner = new Runner(experiment.Read("default_hooks.logger.interval=1", $"optim_wrapper.accumulative_counts={accumulativeCounts}"), experiment.Options(workDir, output: output)))
            {
                runner.Train();
            }

            return ScalarHistory.Read(Path.Combine(workDir, ScalarLog.FileName)).Train;
        }

        using var plainOutput = new StringWriter();
        using var accumulatingOutput = new StringWriter();
        var plain = Train("plain", 1, plainOutput);
        var accumulating = Train("accumulating", 3, accumulatingOutput);

        // The schedule moves every iteration either way; the first loss is the model's, not divided by 3.
        Assert.Equal(plain.Select(record => record.LearningRate), accumulating.Select(record => record.LearningRate));
        Assert.Equal(plain[0].Loss, accumulating[0].Loss);
        Assert.NotEqual(plain[^1].Loss, accumulating[^1].Loss);
        Assert.Contains("gradient accumulation with batch norm", accumulatingOutput.ToString());
        Assert.DoesNotContain("gradient accumulation", plainOutput.ToString());
    }

    private static (Parameter Weight, OptimWrapper Wrapper) Create(IGradientReducer? reducer)
    {
        var weight = new Parameter(tensor(new[] { 1f, 2f }));
        return (weight, new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], reducer: reducer));
    }

    // Stands in for an all-reduce over two processes whose other replica's gradients are zero.
    private sealed class HalvingReducer : IGradientReducer
    {
        public float[] Seen { get; private set; } = [];

        public void Reduce(IReadOnlyList<Parameter> parameters)
        {
            var gradient = parameters.Single().grad!;
            Seen = gradient.data<float>().ToArray();
            gradient.div_(2.0f);
        }
    }
}
