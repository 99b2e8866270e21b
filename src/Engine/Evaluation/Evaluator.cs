using ImageClassifier.Data.Loading;
using ImageClassifier.Engine.Amp;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tta;
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
    /// <param name="tta">
    /// Merges the scores of test-time views, for a loader with <see cref="DataLoader.Views"/>: the
    /// model scores each view and the merged scores (their best class the prediction) reach the metrics.
    /// </param>
    /// <exception cref="ArgumentException">The loader gives test-time views and <paramref name="tta"/> is null.</exception>
    public static EvaluationResult Evaluate(
        Classifier model,
        DataLoader loader,
        IReadOnlyList<Metric> metrics,
        Device device,
        Action<int, int>? onBatch = null,
        CancellationToken cancellationToken = default,
        ScalarType? autocast = null,
        TtaModel? tta = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(device);
        if (loader.Views is not null && tta is null)
        {
            throw new ArgumentException("The loader gives test-time views: pass the TTA model that merges their scores.", nameof(tta));
        }

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
                var (scores, labels) = tta is null ? Predict(model, batch.Inputs, device, nonBlocking) : PredictViews(model, tta, batch.Inputs, device, nonBlocking);
                foreach (var metric in metrics)
                {
                    metric.Process(scores, batch.Targets);
                }

                var predicted = labels.cpu().data<long>().ToArray();
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
        var arrays = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            foreach (var (name, value) in metric.Compute())
            {
                values[name] = value;
            }

            foreach (var (name, value) in metric.ComputeArrays())
            {
                arrays[name] = value;
            }
        }

        return new EvaluationResult(values, classes, confusion, arrays);
    }

    // Float32 scores (N, C) on the CPU and the predicted labels (N).
    private static (Tensor Scores, Tensor Labels) Predict(Classifier model, Tensor images, Device device, bool nonBlocking)
    {
        var (inputs, _) = model.Preprocess(images.to(device, non_blocking: nonBlocking), null, training: false);
        var prediction = model.Predict(InLayout(inputs));
        return (prediction.Scores.to_type(ScalarType.Float32).cpu(), prediction.Labels);
    }

    // mmengine's BaseTTAModel.test_step: each view (V, N, C, H, W) through the model, the scores merged; the best merged class is the prediction.
    private static (Tensor Scores, Tensor Labels) PredictViews(Classifier model, TtaModel tta, Tensor views, Device device, bool nonBlocking)
    {
        if (views.dim() != 5)
        {
            throw new ArgumentException($"Test-time augmentation needs a batch of views (V, N, C, H, W), but the batch has shape ({string.Join(", ", views.shape)}).", nameof(views));
        }

        var viewScores = new List<Tensor>();
        for (var view = 0L; view < views.shape[0]; view++)
        {
            var (inputs, _) = model.Preprocess(views[view].to(device, non_blocking: nonBlocking), null, training: false);
            viewScores.Add(model.Predict(InLayout(inputs)).Scores.to_type(ScalarType.Float32));
        }

        var merged = tta.MergeScores(viewScores).cpu();
        return (merged, merged.argmax(1));
    }

    // The model validated between training epochs keeps NCHW weights: the batch carries oneDNN's
    // layout in (a model rewritten for inference has channels-last weights and takes either).
    // Forward passes are as accurate in it as in NCHW (ChannelsLastInputsTests).
    private static Tensor InLayout(Tensor inputs) => ChannelsLastInputs.PaysOn(inputs.device_type) ? ChannelsLastInputs.Apply(inputs) : inputs;
}
