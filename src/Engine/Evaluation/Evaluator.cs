using ImageClassifier.Data.Loading;
using ImageClassifier.Engine.Amp;
using ImageClassifier.Models.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Evaluation;

/// <summary>mmengine's ValLoop and TestLoop: runs a data loader through a model in evaluation mode and feeds the metrics.</summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="model"/> on every batch of <paramref name="loader"/> (epoch 0 of its sampler).</summary>
    /// <param name="model">The model; left in evaluation mode.</param>
    /// <param name="loader">The data.</param>
    /// <param name="metrics">The metrics; reset first, then fed every batch.</param>
    /// <param name="device">Where the model is.</param>
    /// <param name="onBatch">Called after each batch with (batches done, batches in all).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <param name="autocast">
    /// Run the preprocessing and forward pass under autocast in this dtype (float16 or bfloat16), as
    /// mixed precision training does; null for full precision. The scores reach the metrics as float32.
    /// </param>
    public static EvaluationResult Evaluate(
        Classifier model,
        DataLoader loader,
        IReadOnlyList<Metric> metrics,
        Device device,
        Action<int, int>? onBatch = null,
        CancellationToken cancellationToken = default,
        ScalarType? autocast = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(device);
        var classes = loader.Dataset.Classes;
        var confusion = new long[classes.Count, classes.Count];
        foreach (var metric in metrics)
        {
            metric.Reset();
        }

        model.eval();
        using var noGrad = torch.no_grad();

        // One scope for the whole pass, on this thread (the loader's thread only prepares batches):
        // the weights do not change, so their cached low-precision copies serve every batch.
        using var autocastScope = autocast is { } dtype ? new Autocast(device.type, dtype) : null;
        var nonBlocking = device.type == DeviceType.CUDA;
        var done = 0;
        foreach (var batch in loader.Epoch(0, cancellationToken: cancellationToken))
        {
            using (batch)
            using (var scope = torch.NewDisposeScope())
            {
                var (inputs, _) = model.Preprocess(batch.Inputs.to(device, non_blocking: nonBlocking), null, training: false);
                var prediction = model.Predict(inputs);
                var scores = prediction.Scores.to_type(ScalarType.Float32).cpu();
                foreach (var metric in metrics)
                {
                    metric.Process(scores, batch.Targets);
                }

                var predicted = prediction.Labels.cpu().data<long>().ToArray();
                var actual = batch.Targets.data<long>().ToArray();
                for (var i = 0; i < actual.Length; i++)
                {
                    if (predicted[i] >= 0 && predicted[i] < classes.Count)
                    {
                        confusion[actual[i], predicted[i]]++;
                    }
                }
            }

            done++;
            onBatch?.Invoke(done, loader.Count);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            foreach (var (name, value) in metric.Compute())
            {
                values[name] = value;
            }
        }

        return new EvaluationResult(values, classes, confusion);
    }
}
