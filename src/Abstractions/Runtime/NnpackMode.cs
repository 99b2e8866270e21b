namespace ImageClassifier.Runtime;

/// <summary>Whether libtorch may use NNPACK's convolutions (<c>ICLS_NNPACK</c>: auto, on, off).</summary>
public enum NnpackMode
{
    /// <summary>On where NNPACK supports the CPU, off where it would refuse (and libtorch would print a warning about it).</summary>
    Auto,

    /// <summary>libtorch's default: NNPACK is asked at the first convolution that could use it.</summary>
    On,

    /// <summary>Never: libtorch uses its other kernels.</summary>
    Off,
}
