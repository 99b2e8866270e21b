using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using Microsoft.ML.OnnxRuntime;
using static ImageClassifier.Cli.Tests.TestHelpers.InProcessIcls;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary><c>icls export</c>: a config and a checkpoint in, an ONNX file out (the numbers are checked in ImageClassifier.Onnx.Tests).</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Export_writes_an_onnx_model_with_logits_and_scores_at_the_pipelines_size()
    {
        var (config, checkpoint) = ConfigAndCheckpoint();
        var output = folder.Combine("model.onnx");

        var run = Icls("export", config, checkpoint, output, "--softmax");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("input (batch, 3, 32, 32) float32 pixels 0-255, logits and scores (batch, 5)", run.Output, StringComparison.Ordinal);
        using var session = new InferenceSession(output);
        Assert.Equal(["logits", "scores"], session.OutputNames);
        Assert.Equal([-1, 3, 32, 32], session.InputMetadata["input"].Dimensions);
    }

    [Fact]
    public void Input_size_overrides_the_pipeline_and_a_malformed_one_is_a_usage_error()
    {
        var (config, checkpoint) = ConfigAndCheckpoint();
        var output = folder.Combine("wide.onnx");

        var run = Icls("export", config, checkpoint, output, "--input-size", "24,40");
        var malformed = Icls("export", config, checkpoint, folder.Combine("bad.onnx"), "--input-size", "24x40");

        Assert.True(run.ExitCode == 0, run.Error);
        using var session = new InferenceSession(output);
        Assert.Equal([-1, 3, 24, 40], session.InputMetadata["input"].Dimensions);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("--input-size takes a height and a width as H,W", malformed.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine("bad.onnx")));
    }

    private (string Config, string Checkpoint) ConfigAndCheckpoint()
    {
        var config = folder.Combine("resnet18_w8.json");
        File.WriteAllText(config, """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8},
                "neck": {"type": "GlobalAveragePooling"},
                "head": {"type": "LinearClsHead", "num_classes": 5, "in_channels": 64}
              },
              "test_dataloader": {
                "batch_size": 4,
                "dataset": {"type": "CustomDataset", "data_root": ".", "pipeline": [{"type": "Resize", "scale": [32, 32]}, {"type": "PackInputs"}]}
              }
            }
            """);
        var checkpoint = folder.Combine("model.pth");
        using var model = new ImageClassifierModel(new ResNet(18, stemChannels: 8, baseChannels: 8), new GlobalAveragePooling(), new LinearClsHead(new ClsHeadConfig(), 5, 64));
        var stateDict = model.state_dict().ToDictionary(pair => pair.Key, pair => (object?)pair.Value, StringComparer.Ordinal);
        TorchCheckpointWriter.Write(checkpoint, new Dictionary<string, object?> { ["state_dict"] = stateDict });
        return (config, checkpoint);
    }
}
