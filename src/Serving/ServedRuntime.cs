namespace ImageClassifier.Serving;

/// <summary>Which runtime classifies for a server built by <see cref="ServedModel.FromConfig"/>.</summary>
public enum ServedRuntime
{
    /// <summary>TorchSharp (libtorch), with a checkpoint's weights: the inferencer <c>icls infer</c> uses.</summary>
    TorchSharp,

    /// <summary>ONNX Runtime, with a model written by <c>icls export</c>.</summary>
    Onnx,
}
