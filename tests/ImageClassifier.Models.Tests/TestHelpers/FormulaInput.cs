using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// The input the zoo fixture scripts compute instead of storing (make_vgg_fixtures.py,
/// make_densenet_fixtures.py): ((i * 7919) mod 251 - 125) / 128 over the flat index i, exact in
/// float32, so it is the same tensor here as in PyTorch.
/// </summary>
internal static class FormulaInput
{
    /// <summary>The input of <paramref name="shape"/>.</summary>
    public static Tensor Create(long[] shape)
    {
        var values = new float[shape.Aggregate(1L, (product, size) => product * size)];
        for (var index = 0L; index < values.LongLength; index++)
        {
            values[index] = ((index * 7919 % 251) - 125) / 128f;
        }

        return tensor(values, shape);
    }
}
