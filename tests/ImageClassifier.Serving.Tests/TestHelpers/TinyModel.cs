using ImageClassifier.Engine.Inference;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting;
using ImageClassifier.Models.Weights;
using TorchSharp;

namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>
/// A tiny real model: the engine tests' tiny experiment (a two-stage, 4-channel ResNet on grayscale
/// images) with four classes and a test pipeline that resizes to 16x16, seeded random weights and
/// four class names saved as an mmpretrain checkpoint. Nothing is trained; what is checked is that
/// the server answers what the inferencer answers.
/// </summary>
internal sealed class TinyModel : IDisposable
{
    public static readonly string[] ClassNames = ["T-shirt", "Trouser", "Pullover", "Dress"];

    private static readonly Lazy<ImageClassifierHost> SharedHost = new(() => ImageClassifierHost.Create(new HostOptions
    {
        DefaultPluginDirectory = null,
        WorkingDirectoryPluginDirectory = null,
        ReadEnvironmentVariable = null,
    }));

    // Four classes, and a resize so that uploads of any size share a batch.
    private static readonly string[] CfgOptions =
    [
        "model.head.num_classes=4",
        "model.head.topk=[1]",
        """test_dataloader.dataset.pipeline=[{"type": "Resize", "scale": [16, 16]}, {"type": "PackInputs"}]""",
    ];

    private readonly TempFolder folder = new();

    public TinyModel()
    {
        ConfigPath = folder.Combine("tiny.json");
        File.WriteAllText(ConfigPath, TinyExperiment.ConfigText(folder.Path));
        CheckpointPath = folder.Combine("tiny.pth");
        var run = SharedHost.Value.LoadRun(ConfigPath, CfgOptions);
        torch.manual_seed(5);
        using var model = run.BuildModel();

        // Random weights score every class near 1/4; a spread head bias gives answers that differ by class.
        using (torch.no_grad())
        {
            model.named_parameters().Single(parameter => parameter.name == "head.fc.bias").parameter.copy_(torch.tensor(new[] { 0.5f, 2.0f, 0.0f, 1.0f }));
        }

        ModelWeights.Save(model, CheckpointPath, new Dictionary<string, object?>
        {
            ["dataset_meta"] = new Dictionary<string, object?> { ["classes"] = ClassNames.Cast<object?>().ToList() },
        });
    }

    /// <summary>A host with the built-in components only: no plugin folder or ICLS_PLUGINS is read.</summary>
    public static ImageClassifierHost Host => SharedHost.Value;

    public string ConfigPath { get; }

    public string CheckpointPath { get; }

    public string Folder => folder.Path;

    public ServedModel Served() => ServedModel.FromConfig(SharedHost.Value, ConfigPath, CheckpointPath, "cpu", CfgOptions);

    /// <summary>The same model exported by <c>icls export</c>'s call and served by ONNX Runtime.</summary>
    public ServedModel ServedByOnnxRuntime()
    {
        var onnx = folder.Combine("tiny.onnx");
        SharedHost.Value.ExportOnnx(SharedHost.Value.LoadRun(ConfigPath, CfgOptions), CheckpointPath, onnx);
        return ServedModel.FromConfig(SharedHost.Value, ConfigPath, onnx, "cpu", CfgOptions, ServedRuntime.Onnx);
    }

    public ImageClassificationInferencer CreateInferencer() => SharedHost.Value.CreateInferencer(ConfigPath, CheckpointPath, "cpu", CfgOptions);

    public void Dispose() => folder.Dispose();
}
