using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Validation;

namespace ImageClassifier.Serving;

/// <summary>
/// The model a server answers with: its name, how to create one inferencer for the pool (called
/// once per pooled inferencer, at start), and what <c>GET /models</c> tells about it. The factory
/// may give any <see cref="IImageClassificationInferencer"/>, so the runtime is the caller's choice.
/// </summary>
public sealed class ServedModel
{
    /// <summary>What the model is called in <c>GET /models</c> and in each prediction answer.</summary>
    public required string Name { get; init; }

    /// <summary>Creates one inferencer; the pool calls it <see cref="ServingOptions.PoolSize"/> times.</summary>
    public required Func<IImageClassificationInferencer> CreateInferencer { get; init; }

    /// <summary>Which runtime classifies, as <c>GET /models</c> reports it.</summary>
    public string Runtime { get; init; } = "torchsharp";

    /// <summary>The (height, width) the model's test pipeline gives it, when known; uploads of any size are taken.</summary>
    public IReadOnlyList<int>? InputSize { get; init; }

    /// <summary>
    /// The model of a JSON config with a checkpoint's weights, classified by TorchSharp through
    /// <see cref="ImageClassifierHost.CreateInferencer(RunDefinition, string, string)"/>, or by ONNX
    /// Runtime from the model <c>icls export</c> wrote (<see cref="ImageClassifierHost.CreateOnnxInferencer"/>;
    /// the config still gives the test pipeline). The config is read now, so its errors (with file,
    /// line and column) surface before any server starts.
    /// </summary>
    /// <param name="host">The host whose catalog binds the config.</param>
    /// <param name="configPath">The config file; its name without extension names the model.</param>
    /// <param name="checkpoint">The weights, or the exported .onnx file for <see cref="ServedRuntime.Onnx"/>.</param>
    /// <param name="device">auto, cpu, cuda or cuda:N (TorchSharp only; ONNX Runtime runs on the CPU).</param>
    /// <param name="cfgOptions">Overrides such as <c>model.head.topk=[1]</c>, applied after the merge.</param>
    /// <param name="runtime">Which runtime classifies.</param>
    /// <exception cref="ImageClassifier.Hosting.Configuration.ConfigException">The config is wrong.</exception>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    public static ServedModel FromConfig(ImageClassifierHost host, string configPath, string checkpoint, string device = "auto", IEnumerable<string>? cfgOptions = null, ServedRuntime runtime = ServedRuntime.TorchSharp)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        var run = host.LoadRun(configPath, cfgOptions);
        if (!File.Exists(checkpoint))
        {
            throw new FileNotFoundException($"The checkpoint '{checkpoint}' does not exist.", checkpoint);
        }

        var input = ModelInputInference.Infer(run);
        return new ServedModel
        {
            Name = Path.GetFileNameWithoutExtension(configPath),
            CreateInferencer = runtime == ServedRuntime.Onnx
                ? () => host.CreateOnnxInferencer(run, checkpoint)
                : () => host.CreateInferencer(run, checkpoint, device),
            Runtime = runtime == ServedRuntime.Onnx ? "onnx" : "torchsharp",
            InputSize = [(int)input.Shape[2], (int)input.Shape[3]],
        };
    }
}
