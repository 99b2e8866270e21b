using ImageClassifier.Engine.Configuration;
using ImageClassifier.Onnx.Export;
using ImageClassifier.Onnx.Runtime;

namespace ImageClassifier.Hosting;

public sealed partial class ImageClassifierHost
{
    /// <summary>
    /// Exports the run's model with the weights of <paramref name="checkpoint"/> to the ONNX file
    /// <paramref name="path"/>, as the inferencer runs it (docs/export.md); an export that fails leaves no file.
    /// </summary>
    /// <exception cref="ImageClassifier.Onnx.OnnxExportException">A module cannot be exported, or the pipeline does not fix the input size.</exception>
    public OnnxExportResult ExportOnnx(RunDefinition run, string checkpoint, string path, OnnxRunExportOptions? options = null) =>
        OnnxRunExporter.Export(run, checkpoint, path, options);

    /// <summary>An inferencer that runs an exported ONNX model in ONNX Runtime, with the run's test pipeline.</summary>
    /// <exception cref="InvalidDataException">The file is not an exported classifier.</exception>
    public OnnxInferencer CreateOnnxInferencer(RunDefinition run, string onnxPath) => new(run, onnxPath);
}
