namespace ImageClassifier.Onnx;

/// <summary>
/// A model cannot be exported to ONNX: a module has no export, or uses a setting the export does
/// not cover. The message names the module by its state-dict path and type.
/// </summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public OnnxExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public OnnxExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
