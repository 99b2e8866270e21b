using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Classifiers;

/// <summary>Tensor comparisons for the classifier, initialization and weights tests.</summary>
internal static class TensorAssert
{
    /// <summary>True when both have the same shape and dtype and equal elements.</summary>
    public static bool Same(Tensor first, Tensor second)
    {
        if (first.dtype != second.dtype || !first.shape.SequenceEqual(second.shape))
        {
            return false;
        }

        using var equal = first.eq(second);
        using var all = equal.all();
        return all.item<bool>();
    }

    /// <summary>
    /// How far float32 outputs of a deep network may stray from PyTorch's: 1e-4, plus 5e-5 of the
    /// largest reference value. The summation order of libtorch's kernels differs between CPU
    /// instruction sets and kernel paths: ResNet-50's features differ from the fixtures by 1.5e-5 of
    /// their largest value with oneDNN on AVX-512 or AVX2 and by 3.4e-5 with libtorch's own kernels
    /// (oneDNN off, as TorchRuntime chooses on CPUs where oneDNN is wrong), so an absolute bound
    /// alone passes on one CPU and fails on another. A wrong weight or layer is off by far more.
    /// </summary>
    public static double ParityTolerance(Tensor reference)
    {
        using var magnitude = reference.abs().max();
        return 1e-4 + (5e-5 * magnitude.item<float>());
    }

    /// <summary>The largest absolute difference, as float64.</summary>
    public static double MaxAbsDifference(Tensor first, Tensor second)
    {
        using var scope = NewDisposeScope();
        return (first.to_type(ScalarType.Float64) - second.to_type(ScalarType.Float64)).abs().max().item<double>();
    }
}
