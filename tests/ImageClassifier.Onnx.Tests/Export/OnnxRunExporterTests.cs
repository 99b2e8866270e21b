using ImageClassifier.Onnx.Export;
using ImageClassifier.Onnx.Tests.TestHelpers;

namespace ImageClassifier.Onnx.Tests.Export;

public sealed class OnnxRunExporterTests
{
    [Fact]
    public void The_input_size_comes_from_the_test_pipeline()
    {
        using var run = new ExportedRun("""[{"type": "ResizeEdge", "scale": 40}, {"type": "CenterCrop", "crop_size": 24}, {"type": "PackInputs"}]""");

        var result = OnnxRunExporter.Export(run.Run, run.CheckpointPath, run.Combine("model.onnx"));

        Assert.Equal((3, 24, 24, 5), (result.Channels, result.Height, result.Width, result.NumClasses));
        Assert.True(result.FoldedNorms > 0);
    }

    [Fact]
    public void A_pipeline_that_leaves_the_size_open_asks_for_it_and_writes_nothing()
    {
        using var run = new ExportedRun("""[{"type": "ResizeEdge", "scale": 40}, {"type": "PackInputs"}]""");
        var before = run.Files();

        var error = Assert.Throws<OnnxExportException>(() => OnnxRunExporter.Export(run.Run, run.CheckpointPath, run.Combine("model.onnx")));

        Assert.Contains("--input-size", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, run.Files());
        var given = OnnxRunExporter.Export(run.Run, run.CheckpointPath, run.Combine("model.onnx"), new OnnxRunExportOptions { InputSize = (40, 52) });
        Assert.Equal((40, 52), (given.Height, given.Width));
    }
}
