using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.BatchAugments;

[Collection(GlobalGeneratorCollection.Name)]
public sealed class CutMixTests
{
    [Fact]
    public void One_rectangle_comes_from_the_partner_and_the_scores_follow_its_area()
    {
        const int Height = 20;
        const int Width = 16;
        var (images, labels) = BatchMixing.DistinctBatch(6, height: Height, width: Width);
        using var imagesScope = images;
        using var labelsScope = labels;

        for (var seed = 0; seed < 20; seed++)
        {
            torch.manual_seed(seed);
            var (mixed, scores) = new CutMix(alpha: 1.0).Apply(images, labels, numClasses: 6);
            var (ratios, partners) = BatchMixing.Recover(scores);

            // Random images differ everywhere, so the pixels that changed in any image are the pasted rectangle.
            using var box = mixed.ne(images).any(dim: 1).any(dim: 0);
            using var rectangle = box.any(dim: 1).unsqueeze(1).logical_and(box.any(dim: 0).unsqueeze(0));
            Assert.True(rectangle.equal(box).all().item<bool>(), $"seed {seed}: the changed pixels are not one rectangle");
            var area = box.sum().item<long>();
            for (var i = 0; i < 6; i++)
            {
                if (partners[i] == i)
                {
                    Assert.True(mixed[i].equal(images[i]).all().item<bool>(), $"seed {seed}: image {i} is its own partner and must not change");
                    continue;
                }

                using var fromPartner = mixed[i].eq(images[partners[i]]).all(dim: 0).logical_or(box.logical_not());
                using var kept = mixed[i].eq(images[i]).all(dim: 0).logical_or(box);
                Assert.True(fromPartner.all().item<bool>(), $"seed {seed}, image {i}: the rectangle does not hold image {partners[i]}");
                Assert.True(kept.all().item<bool>(), $"seed {seed}, image {i}: pixels outside the rectangle changed");
                Assert.Equal(1.0 - (area / (double)(Height * Width)), ratios[i], 6);
            }

            mixed.Dispose();
            scores.Dispose();
        }
    }

    [Fact]
    public void The_rectangle_has_mmpretrains_size_clipped_by_the_borders()
    {
        // lambda 0.64 gives sides int(100 * sqrt(0.36)) = 60 around a random centre: [c - 30, c + 30) clipped to the image.
        var cutMix = new CutMix(alpha: 1.0);
        torch.manual_seed(7);
        var heights = new HashSet<long>();
        for (var i = 0; i < 500; i++)
        {
            var (box, ratio) = cutMix.BoxAndRatio(100, 100, 0.64);
            Assert.InRange(box.Top, 0, 99);
            Assert.InRange(box.Height, 30, 60);
            Assert.True(box.Top == 0 || box.Top + box.Height == 100 || box.Height == 60, $"an unclipped side must be 60, got {box}");
            Assert.True(box.Left == 0 || box.Left + box.Width == 100 || box.Width == 60, $"an unclipped side must be 60, got {box}");
            Assert.Equal(1.0 - (box.Height * box.Width / 10000.0), ratio, 12);
            heights.Add(box.Height);
        }

        Assert.Contains(60L, heights);
        Assert.True(heights.Count > 10, "the centre is drawn anywhere in the image, so clipped sizes vary");
    }

    [Fact]
    public void Without_correct_lam_the_scores_use_the_drawn_ratio()
    {
        torch.manual_seed(1);
        var (_, ratio) = new CutMix(alpha: 1.0, correctLam: false).BoxAndRatio(50, 50, 0.3);
        Assert.Equal(0.3, ratio);
    }

    [Fact]
    public void Minmax_draws_each_side_between_the_two_fractions()
    {
        var cutMix = new CutMix(alpha: 1.0, cutmixMinmax: [0.2, 0.8], correctLam: false);
        torch.manual_seed(2);
        for (var i = 0; i < 300; i++)
        {
            var (box, ratio) = cutMix.BoxAndRatio(50, 40, 0.9);
            Assert.InRange(box.Height, 10, 39);
            Assert.InRange(box.Width, 8, 31);
            Assert.InRange(box.Top + box.Height, box.Height, 50);
            Assert.InRange(box.Left + box.Width, box.Width, 40);

            // With cutmix_minmax the area always decides the ratio, whatever correct_lam says.
            Assert.Equal(1.0 - (box.Height * box.Width / 2000.0), ratio, 12);
        }
    }

    [Theory]
    [InlineData(new[] { 0.5 })]
    [InlineData(new[] { 0.8, 0.2 })]
    [InlineData(new[] { 0.2, 1.5 })]
    public void Minmax_must_be_an_increasing_pair_of_fractions(double[] minmax)
    {
        var error = Assert.Throws<ConfigValueException>(() => new CutMix(1.0, minmax));
        Assert.Equal("cutmix_minmax", error.Member);
    }
}
