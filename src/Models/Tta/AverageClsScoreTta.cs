using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tta;

/// <summary>mmpretrain's <c>AverageClsScoreTTA</c>: a sample's score is the mean of its views' scores.</summary>
[RegisterModel("AverageClsScoreTTA")]
public sealed class AverageClsScoreTta : TtaModel
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException">There are no views, or they differ in shape.</exception>
    public override Tensor MergeScores(IReadOnlyList<Tensor> viewScores)
    {
        ArgumentNullException.ThrowIfNull(viewScores);
        if (viewScores.Count == 0)
        {
            throw new ArgumentException("There are no views to merge.", nameof(viewScores));
        }

        if (viewScores.Any(scores => !scores.shape.SequenceEqual(viewScores[0].shape)))
        {
            throw new ArgumentException($"The views' scores differ in shape: {string.Join(", ", viewScores.Select(scores => $"({string.Join(", ", scores.shape)})"))}.", nameof(viewScores));
        }

        // Summed in view order, then divided by the count, as mmpretrain's sum(...) / len(...).
        var sum = viewScores[0];
        for (var view = 1; view < viewScores.Count; view++)
        {
            sum = sum.add(viewScores[view], ScalarConstants.One);
        }

        using var count = ((long)viewScores.Count).ToScalar();
        return sum.div(count);
    }
}
