using static TorchSharp.torch;

namespace ImageClassifier.Tests.Losses;

// Reference values: the worked example in mmpretrain's weighted_loss docstring (l1 of
// pred [0, 2, 3] against target [1, 1, 1]), which PyTorch evaluates to these numbers.
public class WeightedLossTests
{
    private static readonly Func<Tensor, Tensor, Tensor?, Reduction, double?, Tensor> L1 =
        WeightedLoss.Wrap((pred, target) => (pred - target).abs());

    private static Tensor Pred() => tensor(new float[] { 0, 2, 3 });

    private static Tensor Target() => tensor(new float[] { 1, 1, 1 });

    [Fact]
    public void MeanAveragesOverElements()
    {
        Assert.Equal(4f / 3f, L1(Pred(), Target(), null, Reduction.Mean, null).item<float>(), 5);
    }

    [Fact]
    public void WeightIsAppliedBeforeTheMean()
    {
        using var weight = tensor(new float[] { 1, 0, 1 });
        Assert.Equal(1.0f, L1(Pred(), Target(), weight, Reduction.Mean, null).item<float>(), 5);
    }

    [Fact]
    public void NoneKeepsTheElementwiseLoss()
    {
        Assert.Equal(new float[] { 1, 1, 2 }, L1(Pred(), Target(), null, Reduction.None, null).data<float>().ToArray());
    }

    [Fact]
    public void SumAddsElements()
    {
        Assert.Equal(4f, L1(Pred(), Target(), null, Reduction.Sum, null).item<float>(), 5);
    }

    [Fact]
    public void AverageFactorDividesTheWeightedSumForMean()
    {
        using var weight = tensor(new float[] { 1, 0, 1 });
        Assert.Equal(1.5f, L1(Pred(), Target(), weight, Reduction.Mean, 2.0).item<float>(), 5);
    }

    [Fact]
    public void AverageFactorLeavesNoneElementwise()
    {
        using var weight = tensor(new float[] { 1, 0, 1 });
        Assert.Equal(new float[] { 1, 0, 2 }, L1(Pred(), Target(), weight, Reduction.None, 2.0).data<float>().ToArray());
    }

    [Fact]
    public void AverageFactorWithSumIsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => L1(Pred(), Target(), null, Reduction.Sum, 2.0));
        Assert.Contains("sum", error.Message, StringComparison.Ordinal);
        Assert.Equal("avgFactor", error.ParamName);
    }

    [Fact]
    public void WeightBroadcastsPerSample()
    {
        using var loss = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var weight = tensor(new float[] { 0, 1 }, 2, 1);
        Assert.Equal(7f / 4f, WeightedLoss.Reduce(loss, weight).item<float>(), 5);
    }
}
