using ImageClassifier.Runtime;
using System.Globalization;
using ImageClassifier.Data;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Checkpoints;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Preprocessors;
using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Inference;

/// <summary>
/// mmpretrain's <c>ImageClassificationInferencer</c>: loads a config's model and a checkpoint once,
/// then classifies image files, folders or tensors in batches, giving the top-k classes with
/// their names (from the checkpoint's <c>dataset_meta.classes</c>) and probabilities. Images go
/// through the test pipeline of the config (<c>test_dataloader.dataset.pipeline</c>, else the
/// validation one) and the model's data preprocessor, as in testing.
/// </summary>
public sealed class ImageClassificationInferencer : IImageClassificationInferencer
{
    private readonly Classifier model;
    private readonly Transform[] pipeline;
    private readonly Device device;
    private readonly Lock layoutLock = new();
    private bool layoutPending;

    /// <summary>Builds the model of <paramref name="run"/> and loads <paramref name="checkpoint"/> into it (strictly).</summary>
    /// <param name="run">The run whose model and test pipeline to use.</param>
    /// <param name="checkpoint">The weights: a training checkpoint or any mmpretrain checkpoint.</param>
    /// <param name="device">auto, cpu, cuda or cuda:N.</param>
    /// <exception cref="Exception">From the run's origin: the config does not build.</exception>
    /// <exception cref="CheckpointFormatException">The checkpoint cannot be read.</exception>
    public ImageClassificationInferencer(RunDefinition run, string checkpoint, string device = "auto")
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        TorchRuntime.EnsureInitialized();
        this.device = DeviceSelector.Resolve(device);
        pipeline = run.BuildTestPipeline();
        model = run.BuildModel();
        try
        {
            IReadOnlyList<string>? classes;
            var saved = TorchCheckpointReader.Read(checkpoint);
            try
            {
                classes = saved is Dictionary<string, object?> dictionary ? TrainingCheckpoint.ReadClasses(dictionary) : null;

                // Strict, never adapting the head: predictions from a re-initialised head would look
                // like the checkpoint's own.
                ModelWeights.Load(model, StateDictLoader.SelectStateDict(saved), strict: true);
            }
            catch (StateDictLoadException error)
            {
                throw new StateDictLoadException($"'{checkpoint}': {error.Message}", error.Report);
            }
            finally
            {
                CheckpointTrees.DisposeTensors(saved);
            }

            model.to(this.device);
            Rewrite = InferenceRewrite.Apply(model);
            layoutPending = Rewrite.ChannelsLastWeights > 0 && ChannelsLastWeights.Tuned && this.device.type == DeviceType.CPU;
            Channels = InputChannels(model);
            NumClasses = classes?.Count ?? ClassCount.Of(run) ?? CountClasses(model, Channels, this.device);
            Classes = classes ?? [.. Enumerable.Range(0, NumClasses).Select(label => label.ToString(CultureInfo.InvariantCulture))];
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>How many batch norms were folded into the convolution before them (<see cref="ConvBatchNormFolding"/>).</summary>
    public int FoldedNorms => Rewrite.FoldedNorms;

    /// <summary>What was done to the model before its first batch (<see cref="InferenceRewrite"/>).</summary>
    public InferenceRewriteReport Rewrite { get; }

    /// <summary>
    /// The weight layout chosen at the first batch by timing both (<see cref="InferenceLayoutTuning"/>)
    /// when <c>ICLS_CHANNELS_LAST</c> is <c>auto</c>; null before the first batch and where nothing
    /// is timed: otherwise, on CUDA, without oneDNN, and for a model without 4-D weights.
    /// </summary>
    public InferenceLayoutDecision? Layout { get; private set; }

    /// <summary>The class names, by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The number of classes the model scores.</summary>
    public int NumClasses { get; }

    /// <summary>The channels the model takes: 1 for grayscale, 3 for RGB; images are decoded accordingly.</summary>
    public int Channels { get; }

    /// <summary>The model, in evaluation mode.</summary>
    public Classifier Model => model;

    /// <summary>The image files named, and those in the folders named (recursively, in ordinal order).</summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    public static IReadOnlyList<string> ExpandPaths(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(file => ImageCodec.Extensions.Any(extension => file.EndsWith(extension, StringComparison.OrdinalIgnoreCase)))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new FileNotFoundException($"'{path}' is neither an image file nor a folder.", path);
            }
        }

        return files;
    }

    /// <summary>
    /// Classifies image files and every image in the folders named, one outcome per file in order:
    /// a file that cannot be read or decoded (or a path that names nothing) gets its error, and
    /// every other file its result, so one bad file among many costs only itself.
    /// </summary>
    /// <param name="paths">Files and folders.</param>
    /// <param name="topk">How many classes to report per image.</param>
    /// <param name="batchSize">Images per forward pass (consecutive images of one size share a batch).</param>
    public IReadOnlyList<InferenceOutcome> InferFiles(IEnumerable<string> paths, int topk = 1, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckTopk(topk);
        var outcomes = new List<InferenceOutcome?>();
        var files = new List<(int Slot, string File)>();
        foreach (var path in paths)
        {
            try
            {
                foreach (var file in ExpandPaths([path]))
                {
                    files.Add((outcomes.Count, file));
                    outcomes.Add(null);
                }
            }
            catch (FileNotFoundException)
            {
                outcomes.Add(new InferenceOutcome(path, null, "it is neither an image file nor a folder"));
            }
        }

        var colorType = Channels == 1 ? ColorType.Grayscale : ColorType.Color;
        var pending = new List<(int Slot, DataSample Sample)>();

        // Files are decoded and transformed in parallel, a batch's worth at a time, so the model
        // waits for one round of decoding per batch rather than for each file in turn.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        foreach (var chunk in files.Chunk(batchSize))
        {
            var loaded = new (DataSample? Sample, string? Error)[chunk.Length];
            Parallel.For(0, chunk.Length, parallel, index => loaded[index] = Load(chunk[index].File, colorType));
            for (var index = 0; index < chunk.Length; index++)
            {
                var (slot, file) = chunk[index];
                if (loaded[index].Sample is not { } sample)
                {
                    outcomes[slot] = new InferenceOutcome(file, null, loaded[index].Error);
                    continue;
                }

                if (pending.Count > 0 && (pending.Count == batchSize || !SameShape(pending[0].Sample.Image, sample.Image)))
                {
                    Complete(pending, outcomes, topk);
                }

                pending.Add((slot, sample));
            }
        }

        Complete(pending, outcomes, topk);
        return [.. outcomes.Select(outcome => outcome!)];
    }

    /// <summary>Classifies image files and every image in the folders named; the first file that fails stops it (see <see cref="InferFiles"/> for per-file errors).</summary>
    /// <param name="paths">Files and folders.</param>
    /// <param name="topk">How many classes to report per image.</param>
    /// <param name="batchSize">Images per forward pass (consecutive images of one size share a batch).</param>
    /// <exception cref="DataFormatException">An image cannot be decoded.</exception>
    public IReadOnlyList<InferenceResult> Infer(IEnumerable<string> paths, int topk = 1, int batchSize = 32)
    {
        var files = ExpandPaths(paths);
        var colorType = Channels == 1 ? ColorType.Grayscale : ColorType.Color;
        var samples = files.Select(file => new DataSample(ImageCodec.Decode(file, colorType), 0, file));
        return InferSamples(samples, topk, batchSize);
    }

    /// <summary>Classifies one encoded image (a PNG, JPEG, ... file's bytes), such as an upload.</summary>
    /// <param name="data">The encoded image.</param>
    /// <param name="topk">How many classes to give.</param>
    /// <param name="source">What to call the image in the result and in errors.</param>
    /// <exception cref="DataFormatException">The bytes cannot be decoded.</exception>
    public InferenceResult Infer(ReadOnlySpan<byte> data, int topk = 1, string source = "bytes")
    {
        var image = ImageCodec.Decode(data, source, Channels == 1 ? ColorType.Grayscale : ColorType.Color);
        return InferSamples([new DataSample(image, 0, source)], topk, 1)[0];
    }

    /// <summary>Classifies one encoded image read from <paramref name="stream"/> to its end.</summary>
    /// <exception cref="DataFormatException">The stream's bytes cannot be decoded.</exception>
    public InferenceResult Infer(Stream stream, int topk = 1, string source = "stream")
    {
        var image = ImageCodec.Decode(stream, source, Channels == 1 ? ColorType.Grayscale : ColorType.Color);
        return InferSamples([new DataSample(image, 0, source)], topk, 1)[0];
    }

    /// <inheritdoc />
    public IReadOnlyList<InferenceResult> Infer(IReadOnlyList<ImageData> images, IReadOnlyList<string>? sources = null, int topk = 1, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(images);
        var samples = images.Select((image, index) => new DataSample(image, 0, sources?[index] ?? $"image[{index}]"));
        return InferSamples(samples, topk, batchSize);
    }

    /// <summary>
    /// Classifies a batch of images (N, C, H, W) with pixel values 0 to 255 (any dtype), in the channel
    /// order the model was trained on (BGR for models trained on image files, as mmcv decodes them);
    /// the pipeline is not applied.
    /// </summary>
    public IReadOnlyList<InferenceResult> Infer(Tensor images, int topk = 1)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
        {
            throw new ArgumentException($"Expected images (N, C, H, W), but got shape ({string.Join(", ", images.shape)}).", nameof(images));
        }

        return Classify(images, [.. Enumerable.Range(0, (int)images.shape[0]).Select(index => $"tensor[{index}]")], topk);
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();

    private IReadOnlyList<InferenceResult> InferSamples(IEnumerable<DataSample> samples, int topk, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckTopk(topk);
        var results = new List<InferenceResult>();
        var pending = new List<DataSample>();
        foreach (var raw in samples)
        {
            var sample = Transformed(raw);

            if (pending.Count > 0 && (pending.Count == batchSize || !SameShape(pending[0].Image, sample.Image)))
            {
                results.AddRange(ClassifyBatch(pending, topk));
                pending.Clear();
            }

            pending.Add(sample);
        }

        if (pending.Count > 0)
        {
            results.AddRange(ClassifyBatch(pending, topk));
        }

        return results;
    }

    // One file decoded and through the test pipeline, or why not; the decoder's own errors name
    // the file, and the outcome names it once, as its Source.
    private (DataSample? Sample, string? Error) Load(string file, ColorType colorType)
    {
        try
        {
            return (Transformed(new DataSample(ImageCodec.Decode(file, colorType), 0, file)), null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return (null, error is DataFormatException format ? WithoutPath(format) : error.Message);
        }
    }

    private DataSample Transformed(DataSample sample)
    {
        var random = new Random(0);
        foreach (var transform in pipeline)
        {
            sample = transform.Apply(sample, random);
        }

        return sample;
    }

    private void Complete(List<(int Slot, DataSample Sample)> pending, List<InferenceOutcome?> outcomes, int topk)
    {
        if (pending.Count == 0)
        {
            return;
        }

        var results = ClassifyBatch([.. pending.Select(entry => entry.Sample)], topk);
        for (var i = 0; i < pending.Count; i++)
        {
            outcomes[pending[i].Slot] = new InferenceOutcome(results[i].Source, results[i], null);
        }

        pending.Clear();
    }

    private IReadOnlyList<InferenceResult> ClassifyBatch(List<DataSample> samples, int topk)
    {
        var first = samples[0].Image;
        var pixels = new byte[samples.Count * first.Pixels.Length];
        for (var i = 0; i < samples.Count; i++)
        {
            Buffer.BlockCopy(samples[i].Image.Pixels, 0, pixels, i * first.Pixels.Length, first.Pixels.Length);
        }

        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(pixels, [samples.Count, first.Channels, first.Height, first.Width], ScalarType.Byte);
        return Classify(images, [.. samples.Select(sample => sample.Source)], topk);
    }

    private IReadOnlyList<InferenceResult> Classify(Tensor images, IReadOnlyList<string> sources, int topk)
    {
        CheckTopk(topk);
        if (images.shape[1] != Channels)
        {
            throw new ArgumentException($"The model takes {Channels}-channel images, but these have {images.shape[1]} channels.", nameof(images));
        }

        if (layoutPending)
        {
            ChooseLayout(images);
        }

        // Inference mode rather than no_grad: libtorch keeps no version counters or views for autograd.
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var (inputs, _) = model.Preprocess(images.to(device), null, training: false);
        var scores = model.Predict(inputs).Scores.to_type(ScalarType.Float32).cpu();
        var (bestScores, bestLabels) = scores.topk(topk, dim: 1);
        var values = bestScores.data<float>().ToArray();
        var labels = bestLabels.data<long>().ToArray();
        var results = new List<InferenceResult>(sources.Count);
        for (var i = 0; i < sources.Count; i++)
        {
            var top = Enumerable.Range(0, topk)
                .Select(k => new ClassScore((int)labels[(i * topk) + k], Classes[(int)labels[(i * topk) + k]], values[(i * topk) + k]))
                .ToList();
            results.Add(new InferenceResult(sources[i], top[0].Label, top[0].ClassName, top[0].Score, top));
        }

        return results;
    }

    // Once, on the first batch, whose shape the timing is for; later batches keep the layout. The
    // lock keeps concurrent callers from running while the weights are being restrided.
    private void ChooseLayout(Tensor images)
    {
        lock (layoutLock)
        {
            if (!layoutPending)
            {
                return;
            }

            using var scope = torch.NewDisposeScope();
            Tensor inputs;
            using (torch.inference_mode())
            {
                inputs = model.Preprocess(images.to(device), null, training: false).Inputs;
            }

            Layout = InferenceLayoutTuning.Tune(model, inputs, batch => model.Predict(batch).Scores, TorchRuntime.Report?.Options.CacheDirectory);
            layoutPending = false;
        }
    }

    private void CheckTopk(int topk)
    {
        if (topk < 1 || topk > NumClasses)
        {
            throw new ArgumentOutOfRangeException(nameof(topk), topk, $"topk must be between 1 and the model's {NumClasses} classes.");
        }
    }

    private static string WithoutPath(DataFormatException error) =>
        error.Offset is { } offset ? $"at byte {offset}: {error.Problem}" : error.Problem;

    private static bool SameShape(ImageData a, ImageData b) => a.Channels == b.Channels && a.Height == b.Height && a.Width == b.Width;

    // Without class names in the checkpoint or num_classes in the head's config (a plugin head
    // may declare none), a dummy forward pass tells the class count. It is the last resort: at
    // 224 x 224 it costs a full forward pass, and its activations leave the allocator tens of MB
    // larger for the life of the process.
    private static int CountClasses(Classifier model, int channels, Device device)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return (int)model.forward(zeros(1, channels, 224, 224, device: device)).shape[^1];
    }

    // The model's input channels: the preprocessor's mean when it normalises, else the backbone's
    // in_channels, else (a plugin backbone that declares nothing) the first convolution's input.
    private static int InputChannels(Classifier model)
    {
        switch (model)
        {
            case ImageClassifierModel { DataPreprocessor: ClsDataPreprocessor { Mean: { Count: > 0 } mean } }:
                return mean.Count;
            case ImageClassifierModel { Backbone: IHasFeatureInfo backbone }:
                return backbone.InChannels;
        }

        var firstConvolution = model.parameters().FirstOrDefault(parameter => parameter.dim() == 4);
        return firstConvolution is null ? 3 : (int)firstConvolution.shape[1];
    }
}
