using ImageClassifier.Onnx.Export;
using Microsoft.ML.OnnxRuntime;

namespace ImageClassifier.Onnx.Tests.TestHelpers;

/// <summary>A model exported to memory and loaded in an ONNX Runtime session.</summary>
internal sealed class ExportedModel : IDisposable
{
    private readonly InferenceSession session;

    public ExportedModel(byte[] bytes)
    {
        Bytes = bytes;
        session = new InferenceSession(bytes);
    }

    public byte[] Bytes { get; }

    public InferenceSession Session => session;

    public static ExportedModel Export(Classifier model, OnnxExportOptions options)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(model, stream, options);
        return new ExportedModel(stream.ToArray());
    }

    /// <summary>Runs the graph on pixels (N, C, H, W) and returns the named output, flattened.</summary>
    public float[] Run(float[] pixels, long[] shape, string output = OnnxExporter.LogitsName)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [OnnxExporter.InputName], [input], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
