using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;

namespace ImageClassifier.Models.Tests.BatchAugments;

[Collection(GlobalGeneratorCollection.Name)]
public sealed class RandomBatchAugmentTests
{
    [Fact]
    public void Picks_each_augmentation_with_its_probability_and_leaves_the_rest_alone()
    {
        var mixup = new Mixup(1.0);
        var cutMix = new CutMix(1.0);
        var random = new RandomBatchAugment([mixup, cutMix], [0.3, 0.5]);
        torch.manual_seed(4);

        var picks = Enumerable.Range(0, 6000).Select(_ => random.Pick()).ToList();

        Assert.InRange(picks.Count(pick => pick == mixup) / 6000.0, 0.28, 0.32);
        Assert.InRange(picks.Count(pick => pick == cutMix) / 6000.0, 0.48, 0.52);
        Assert.InRange(picks.Count(pick => pick is null) / 6000.0, 0.18, 0.22);
    }

    [Fact]
    public void Without_probabilities_every_augmentation_is_equally_likely()
    {
        var mixup = new Mixup(1.0);
        var cutMix = new CutMix(1.0);
        var random = new RandomBatchAugment([mixup, cutMix]);
        torch.manual_seed(9);

        var picks = Enumerable.Range(0, 4000).Select(_ => random.Pick()).ToList();

        Assert.DoesNotContain(null, picks);
        Assert.InRange(picks.Count(pick => pick == mixup) / 4000.0, 0.47, 0.53);
    }

    [Fact]
    public void A_batch_left_alone_keeps_its_images_and_gets_one_hot_scores()
    {
        var (images, labels) = BatchMixing.DistinctBatch(4);
        using var imagesScope = images;
        using var labelsScope = labels;
        var random = new RandomBatchAugment([new Mixup(1.0)], [0.0]);

        var (mixed, scores) = random.Apply(images, labels, numClasses: 5);

        Assert.True(mixed.equal(images).all().item<bool>());
        using var expected = torch.nn.functional.one_hot(labels, 5).to_type(torch.ScalarType.Float32);
        Assert.True(scores.equal(expected).all().item<bool>());
    }

    [Theory]
    [InlineData(new[] { 0.5 }, "probs")]
    [InlineData(new[] { 0.6, 0.5 }, "probs")]
    [InlineData(new[] { 0.5, -0.1 }, "probs[1]")]
    public void Probabilities_must_match_the_augmentations_and_add_up_to_at_most_one(double[] probs, string member)
    {
        var error = Assert.Throws<ConfigValueException>(() => new RandomBatchAugment([new Mixup(1.0), new CutMix(1.0)], probs));
        Assert.Equal(member, error.Member);
    }

    [Fact]
    public void Probabilities_written_as_decimals_may_add_up_to_a_hair_over_one()
    {
        var random = new RandomBatchAugment([new Mixup(1.0), new Mixup(0.5), new CutMix(1.0)], [0.1, 0.2, 0.7]);
        Assert.Equal(3, random.Augments.Count);
    }
}
