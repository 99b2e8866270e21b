using System.Text.Json;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>
/// RandAugment. Its preset against mmpretrain's table of timm_increasing and the magnitudes
/// mmpretrain's random_magnitude gives at some levels, computed in
/// tools/fixtures/make_augmentation_fixtures.py (Fixtures/Augmentation); its picks by statistics.
/// </summary>
public sealed class RandAugmentTests
{
    private static readonly DataSample Flat = new(new ImageData(Enumerable.Repeat((byte)100, 16).ToArray(), 1, 4, 4), 0, "flat");

    // Four policies that turn a flat 100 into four different values.
    private static readonly ComponentConfig<Transform>[] Markers =
    [
        new InvertConfig { Prob = 1 },
        new PosterizeConfig { Bits = 2, Prob = 1 },
        new BrightnessConfig { Magnitude = 0.5, Prob = 1, RandomNegativeProb = 0 },
        new SolarizeAddConfig { Magnitude = 20, Prob = 1 },
    ];

    [Theory]
    [InlineData(9, 10)]
    [InlineData(5, 10)]
    [InlineData(7, 12)]
    public void Timm_increasing_holds_mmpretrains_table_and_maps_levels_as_mmpretrain(int level, int total)
    {
        var table = AugmentationFixture.Root.GetProperty("randaugment_timm_increasing");

        var augment = new RandAugment("timm_increasing", numPolicies: 2, magnitudeLevel: level, totalLevel: total);

        Assert.Equal(table.GetArrayLength(), augment.Policies.Count);
        for (var index = 0; index < augment.Policies.Count; index++)
        {
            var row = table[index];
            var policy = Assert.IsAssignableFrom<AugmentTransform>(augment.Policies[index]);
            Assert.Equal(row.GetProperty("type").GetString(), policy.GetType().Name);
            if (row.GetProperty("direction").ValueKind == JsonValueKind.String)
            {
                var direction = policy is Shear shear ? shear.Direction : ((Translate)policy).Direction;
                Assert.Equal(row.GetProperty("direction").GetString(), direction.ToString().ToLowerInvariant());
            }

            if (row.GetProperty("range").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(policy.MagnitudeRange);
                continue;
            }

            Assert.Equal(AugmentationFixture.Numbers(row.GetProperty("range")), policy.MagnitudeRange);
            Assert.Equal(row.GetProperty("levels").GetProperty($"{level}/{total}").GetDouble(), policy.LevelMagnitude(), 12);
        }
    }

    [Fact]
    public void Each_preset_policy_acts_as_the_transform_its_table_row_configures()
    {
        var sample = new DataSample(AugmentationFixture.Image("color"), 0, "color");
        var table = AugmentationFixture.Root.GetProperty("randaugment_timm_increasing");

        var augment = new RandAugment("timm_increasing", numPolicies: 1, magnitudeLevel: 9);

        for (var index = 0; index < table.GetArrayLength(); index++)
        {
            var row = table[index];
            var json = $$"""{"type": "{{row.GetProperty("type").GetString()}}" """;
            if (row.GetProperty("range").ValueKind != JsonValueKind.Null)
            {
                json += $$""", "magnitude_range": {{row.GetProperty("range").GetRawText()}}, "magnitude_level": 9, "total_level": 10""";
            }

            if (row.GetProperty("direction").ValueKind == JsonValueKind.String)
            {
                json += $$""", "direction": "{{row.GetProperty("direction").GetString()}}" """;
            }

            var expected = TransformJson.Build(json + "}");
            for (var seed = 0; seed < 6; seed++)
            {
                Assert.Equal(expected.Apply(sample, new Random(seed)).Image.Pixels, augment.Policies[index].Apply(sample, new Random(seed)).Image.Pixels);
            }
        }
    }

    [Fact]
    public void Each_image_takes_num_policies_picks_made_uniformly_with_replacement()
    {
        var one = new RandAugment(AugmentPolicies.Of(Markers), numPolicies: 1, magnitudeLevel: 0);
        var two = new RandAugment(AugmentPolicies.Of(Markers), numPolicies: 2, magnitudeLevel: 0);

        var singles = Enumerable.Range(0, 4000).Select(seed => one.Apply(Flat, new Random(seed)).Image.Pixels[0]).ToList();
        var pairs = Enumerable.Range(0, 4000).Select(seed => two.Apply(Flat, new Random(seed)).Image.Pixels[0]).ToList();

        // Each marker a quarter of the time (5 standard deviations: 137); each ordered pair a sixteenth (77).
        foreach (var value in new byte[] { 155, 64, 150, 120 })
        {
            Assert.InRange(singles.Count(single => single == value), 1000 - 137, 1000 + 137);
        }

        Assert.InRange(pairs.Count(pair => pair == 100), 250 - 77, 250 + 77);
        Assert.InRange(pairs.Count(pair => pair == 191), 250 - 77, 250 + 77);
    }

    [Fact]
    public void The_same_seed_gives_the_same_image_and_seeds_differ()
    {
        var sample = new DataSample(AugmentationFixture.Image("color"), 0, "color");
        var augment = new RandAugment("timm_increasing", numPolicies: 2, magnitudeLevel: 9, magnitudeStd: 0.5);

        var first = Enumerable.Range(0, 30).Select(seed => augment.Apply(sample, new Random(seed)).Image.Pixels).ToList();
        var second = Enumerable.Range(0, 30).Select(seed => augment.Apply(sample, new Random(seed)).Image.Pixels).ToList();

        Assert.Equal(first, second);
        Assert.True(first.Select(Convert.ToBase64String).Distinct().Count() > 15);
    }

    [Fact]
    public void Policies_with_a_range_take_its_level_and_hparams_fill_what_a_policy_leaves_unset()
    {
        var sample = new DataSample(AugmentationFixture.Image("color"), 0, "color");
        var augment = new RandAugment(
            AugmentPolicies.Of(
                new RotateConfig { MagnitudeRange = [90, 90], MagnitudeLevel = 2, Prob = 1, RandomNegativeProb = 0 },
                new RotateConfig { MagnitudeRange = [90, 90], Prob = 1, RandomNegativeProb = 0, PadVal = [200], Interpolation = Interpolation.Nearest },
                new RotateConfig { Angle = 10, Prob = 1 }),
            numPolicies: 1,
            magnitudeLevel: 6,
            magnitudeStd: MagnitudeStd.Infinite,
            totalLevel: 8,
            hparams: new AugmentHparams { PadVal = [7], Interpolation = Interpolation.Bilinear });

        var fromRange = (AugmentTransform)augment.Policies[0];
        Assert.Equal((6.0, 8.0), (fromRange.MagnitudeLevel, fromRange.TotalLevel));
        Assert.Equal((10.0, 10.0), (((AugmentTransform)augment.Policies[2]).MagnitudeLevel, ((AugmentTransform)augment.Policies[2]).TotalLevel));
        Assert.Equal(
            new Rotate(angle: 90, padVal: [7], interpolation: Interpolation.Bilinear, prob: 1, randomNegativeProb: 0).Apply(sample, new Random(1)).Image.Pixels,
            augment.Policies[0].Apply(sample, new Random(1)).Image.Pixels);
        Assert.Equal(
            new Rotate(angle: 90, padVal: [200], prob: 1, randomNegativeProb: 0).Apply(sample, new Random(1)).Image.Pixels,
            augment.Policies[1].Apply(sample, new Random(1)).Image.Pixels);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_key_and_a_policys_place()
    {
        Assert.Equal("policies", Assert.Throws<ConfigValueException>(() => new RandAugment("timm", numPolicies: 2, magnitudeLevel: 9)).Member);
        Assert.Equal("policies", Assert.Throws<ConfigValueException>(() => new RandAugment(AugmentPolicies.OfSubPolicies([new InvertConfig()]), 1, 9)).Member);
        Assert.Equal("num_policies", Assert.Throws<ConfigValueException>(() => new RandAugment("timm_increasing", numPolicies: 0, magnitudeLevel: 9)).Member);
        Assert.Equal("magnitude_level", Assert.Throws<ConfigValueException>(() => new RandAugment("timm_increasing", numPolicies: 1, magnitudeLevel: -1)).Member);

        var error = Assert.Throws<ConfigValueException>(() => new RandAugment(AugmentPolicies.Of(new InvertConfig(), new RotateConfig { MagnitudeRange = [0] }), 1, 9));

        Assert.Equal("policies[1].magnitude_range", error.Member);
    }
}
