using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Onnx.Export;
using ImageClassifier.Onnx.Runtime;
using ImageClassifier.Onnx.Tests.TestHelpers;
using SeedExamples.Tests;

namespace ImageClassifier.Onnx.Tests.Runtime;

public sealed class OnnxInferencerTests : IDisposable
{
    private readonly ExportedRun run = new();

    public void Dispose() => run.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_exported_run_classifies_images_as_the_torchsharp_inferencer_does(bool softmax)
    {
        var onnxPath = run.Combine("model.onnx");
        SamplePluginHost.Host.ExportOnnx(run.Run, run.CheckpointPath, onnxPath, new OnnxRunExportOptions { Softmax = softmax });
        var random = new Random(41);

        // Images of several sizes: the test pipeline resizes each to the exported 32x32.
        var images = new[] { (40, 48), (32, 32), (57, 23), (64, 64), (33, 35) }
            .Select(size => new ImageData([.. Enumerable.Range(0, 3 * size.Item1 * size.Item2).Select(_ => (byte)random.Next(256))], 3, size.Item1, size.Item2))
            .ToList();

        using var torchInferencer = new ImageClassificationInferencer(run.Run, run.CheckpointPath, "cpu");
        using IImageClassificationInferencer onnxInferencer = SamplePluginHost.Host.CreateOnnxInferencer(run.Run, onnxPath);
        var expected = torchInferencer.Infer(images, topk: 3, batchSize: 2);
        var actual = onnxInferencer.Infer(images, ["a", "b", "c", "d", "e"], topk: 3, batchSize: 2);

        Assert.Equal(ExportedRun.ClassNames, onnxInferencer.Classes);
        Assert.Equal(3, onnxInferencer.Channels);
        Assert.Equal(["a", "b", "c", "d", "e"], actual.Select(result => result.Source));
        foreach (var (torch, onnx) in expected.Zip(actual))
        {
            Assert.Equal(torch.TopK.Select(score => score.ClassName), onnx.TopK.Select(score => score.ClassName));
            Assert.All(torch.TopK.Zip(onnx.TopK), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-4));
        }
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_refused_naming_it()
    {
        var path = run.Combine("not-a-model.onnx");
        File.WriteAllText(path, "plain text");

        var error = Assert.Throws<InvalidDataException>(() => new OnnxInferencer(run.Run, path));

        Assert.Contains("not-a-model.onnx", error.Message, StringComparison.Ordinal);
    }
}
