namespace ImageClassifier.Runtime;

/// <summary>Which CPU convolution kernels libtorch uses (<c>ICLS_CONVOLUTION</c>: auto, onednn, native).</summary>
public enum ConvolutionPath
{
    /// <summary>oneDNN, unless the start-up check finds it wrong on this CPU; then libtorch's own kernels.</summary>
    Auto,

    /// <summary>oneDNN (mkldnn), unchecked: libtorch's default.</summary>
    OneDnn,

    /// <summary>libtorch's own kernels, oneDNN switched off.</summary>
    Native,
}
