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

    /// <summary>The largest absolute difference, as float64.</summary>
    public static double MaxAbsDifference(Tensor first, Tensor second)
    {
        using var scope = NewDisposeScope();
        return (first.to_type(ScalarType.Float64) - second.to_type(ScalarType.Float64)).abs().max().item<double>();
    }
}
