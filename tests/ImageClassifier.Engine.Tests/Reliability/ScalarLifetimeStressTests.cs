using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Reliability;

/// <summary>
/// The stress harness of docs/reliability.md: the real training loop (forward, loss, backward,
/// optimizer step, schedulers, metrics, logging, checkpoints) and the real inference step run for
/// thousands of steps while another thread collects garbage and runs finalizers without pause.
/// TorchSharp 0.107 frees a temporary <c>Scalar</c> in its finalizer, possibly while the native
/// call it was made for still reads it; any such temporary on these paths fails these tests within
/// seconds ("For integral input tensors, argument alpha must not be a floating point number",
/// "Unknown scalar type", a wrong number or a crash).
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class ScalarLifetimeStressTests : IDisposable
{
    // 8 iterations an epoch; 250 epochs are 2,000 training steps.
    private const int Epochs = 250;

    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    public static TheoryData<string[]> Optimizers => new()
    {
        new[] { "optim_wrapper.optimizer={\"type\": \"SGD\", \"lr\": 0.05, \"momentum\": 0.9, \"weight_decay\": 0.0001, \"nesterov\": true}", "custom_hooks=[{\"type\": \"EMAHook\", \"ema_type\": \"StochasticWeightAverage\"}]" },
        new[] { "optim_wrapper.optimizer={\"_delete_\": true, \"type\": \"AdamW\", \"lr\": 0.001, \"weight_decay\": 0.05}", "optim_wrapper.clip_grad={\"max_norm\": 1.0}", "custom_hooks=[{\"type\": \"EMAHook\", \"ema_type\": \"MomentumAnnealingEMA\", \"momentum\": 0.001}]" },
        new[] { "optim_wrapper.type=AmpOptimWrapper", "optim_wrapper.dtype=float16", "model.head.loss={\"type\": \"LabelSmoothLoss\", \"label_smooth_val\": 0.1}" },
        new[]
        {
            "optim_wrapper.optimizer={\"_delete_\": true, \"type\": \"Lamb\", \"lr\": 0.005, \"weight_decay\": 0.02}",
            "optim_wrapper.paramwise_cfg={\"norm_decay_mult\": 0.0, \"bias_lr_mult\": 2.0}",
            "optim_wrapper.accumulative_counts=2",
            "optim_wrapper.clip_grad={\"type\": \"value\", \"clip_value\": 1.0}",
        },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Thousands_of_training_steps_survive_constant_finalization(string[] overrides)
    {
        string[] options =
        [
            $"train_cfg.max_epochs={Epochs}",
            "train_cfg.val_interval=50",
            "default_hooks.checkpoint.interval=100",
            "default_hooks.logger.interval=1",
            .. overrides,
        ];

        TrainingResult result;
        long collections;
        using (var pressure = new FinalizerPressure())
        {
            using var runner = new Runner(experiment.Read(options), experiment.Options(experiment.WorkDir()));
            result = runner.Train();
            collections = pressure.Collections;
        }

        Assert.True(result.Completed);
        Assert.Equal(Epochs * 8, result.Iteration);
        Assert.True(collections > 10, $"only {collections} collections ran beside the training loop");
    }

    [Fact]
    public void Thousands_of_inference_steps_survive_constant_finalization()
    {
        var (trained, _) = experiment.Train(experiment.WorkDir(), cfgOptions: ["train_cfg.max_epochs=1"]);
        using var inferencer = new ImageClassificationInferencer(experiment.Read(), trained.LastCheckpoint!, "cpu");
        var random = new Random(5);
        var images = Enumerable.Range(0, 8).Select(label => new ImageData(Fixtures.ToyImage(label, 16, random), 1, 16, 16)).ToList();
        var expected = inferencer.Infer(images, topk: 3, batchSize: 8);

        using (new FinalizerPressure())
        {
            for (var step = 0; step < 2000; step++)
            {
                var results = inferencer.Infer(images, topk: 3, batchSize: 8);
                Assert.Equal(expected.Select(result => result.PredLabel), results.Select(result => result.PredLabel));
                Assert.Equal(expected.Select(result => result.PredScore), results.Select(result => result.PredScore));
            }
        }
    }
}
