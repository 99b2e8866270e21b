using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.BatchAugments;

[Collection(GlobalGeneratorCollection.Name)]
public sealed class MixupTests
{
    [Fact]
    public void Every_image_is_the_scores_blend_of_itself_and_one_partner()
    {
        var (images, labels) = BatchMixing.DistinctBatch(8);
        using var imagesScope = images;
        using var labelsScope = labels;
        torch.manual_seed(5);

        var (mixed, scores) = new Mixup(alpha: 0.4).Apply(images, labels, numClasses: 8);
        using var mixedScope = mixed;
        using var scoresScope = scores;

        // A sample the permutation leaves in place mixes with itself: ratio 1, image unchanged.
        var (ratios, partners) = BatchMixing.Recover(scores);
        var lambda = ratios.Where((_, i) => partners[i] != i).Distinct().Single();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), partners.Order());
        for (var i = 0; i < 8; i++)
        {
            var ratio = partners[i] == i ? 1.0 : lambda;
            Assert.Equal(ratio, ratios[i], 6);
            using var expected = (images[i] * lambda) + (images[partners[i]] * (1 - lambda));
            Assert.True(torch.allclose(mixed[i], expected, rtol: 1e-6, atol: 1e-6), $"image {i} is not {lambda} of itself plus the rest of image {partners[i]}");
        }

        Assert.Equal(ScalarType.Float32, scores.dtype);
    }

    [Fact]
    public void The_ratio_follows_the_beta_distribution()
    {
        // Beta(a, a) has mean 1/2 and variance 1 / (4 (2a + 1)); about 4,000 visible draws pin both to within a few percent.
        const double Alpha = 0.5;
        var (images, labels) = BatchMixing.DistinctBatch(2, height: 1, width: 1);
        using var imagesScope = images;
        using var labelsScope = labels;
        var mixup = new Mixup(Alpha);
        torch.manual_seed(11);

        var draws = new List<double>();
        for (var i = 0; i < 8000; i++)
        {
            var (mixed, scores) = mixup.Apply(images, labels, numClasses: 2);
            var (ratios, partners) = BatchMixing.Recover(scores);
            if (partners[0] == 1)
            {
                // When the two samples swap, the ratio is visible in the scores.
                draws.Add(ratios[0]);
            }

            mixed.Dispose();
            scores.Dispose();
        }

        var mean = draws.Average();
        var variance = draws.Select(draw => (draw - mean) * (draw - mean)).Average();
        Assert.InRange(mean, 0.48, 0.52);
        Assert.InRange(variance, 0.95 / (4 * ((2 * Alpha) + 1)), 1.05 / (4 * ((2 * Alpha) + 1)));
    }

    [Fact]
    public void The_same_seed_mixes_the_same_way()
    {
        var (images, labels) = BatchMixing.DistinctBatch(6);
        using var imagesScope = images;
        using var labelsScope = labels;
        var mixup = new Mixup(1.0);

        torch.manual_seed(3);
        var (first, firstScores) = mixup.Apply(images, labels, 6);
        torch.manual_seed(3);
        var (second, secondScores) = mixup.Apply(images, labels, 6);

        Assert.True(first.equal(second).all().item<bool>());
        Assert.True(firstScores.equal(secondScores).all().item<bool>());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Alpha_must_be_positive(double alpha)
    {
        var error = Assert.Throws<ConfigValueException>(() => new Mixup(alpha));
        Assert.Equal("alpha", error.Member);
    }
}
