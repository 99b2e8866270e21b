using System.Globalization;
using System.Text.Json;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>
/// AutoAugment. Its "imagenet" preset against mmpretrain's table, typed separately in
/// tools/fixtures/make_augmentation_fixtures.py (Fixtures/Augmentation); its picks by statistics.
/// </summary>
public sealed class AutoAugmentTests
{
    private static readonly DataSample Flat = new(new ImageData(Enumerable.Repeat((byte)100, 16).ToArray(), 1, 4, 4), 0, "flat");

    [Fact]
    public void Imagenet_holds_mmpretrains_sub_policies()
    {
        var sample = new DataSample(AugmentationFixture.Image("color"), 0, "color");
        var table = AugmentationFixture.Root.GetProperty("autoaugment_imagenet");

        var augment = new AutoAugment("imagenet");

        Assert.Equal(table.GetArrayLength(), augment.SubPolicies.Count);
        for (var index = 0; index < augment.SubPolicies.Count; index++)
        {
            var row = table[index];
            Assert.Equal(row.GetArrayLength(), augment.SubPolicies[index].Count);
            for (var step = 0; step < row.GetArrayLength(); step++)
            {
                var expected = TransformJson.Build(Json(row[step]));
                for (var seed = 0; seed < 6; seed++)
                {
                    Assert.Equal(expected.Apply(sample, new Random(seed)).Image.Pixels, augment.SubPolicies[index][step].Apply(sample, new Random(seed)).Image.Pixels);
                }
            }
        }
    }

    [Fact]
    public void Each_image_takes_one_sub_policy_picked_uniformly_and_applies_it_in_order()
    {
        var augment = new AutoAugment(AugmentPolicies.OfSubPolicies(
            [new InvertConfig { Prob = 1 }],
            [new PosterizeConfig { Bits = 2, Prob = 1 }, new InvertConfig { Prob = 1 }],
            [new InvertConfig { Prob = 1 }, new InvertConfig { Prob = 1 }]));

        var values = Enumerable.Range(0, 3000).Select(seed => augment.Apply(Flat, new Random(seed)).Image.Pixels[0]).ToList();

        // 155 inverted; 191 posterized to 64, then inverted; 100 inverted twice. A third each (5 standard deviations: 129).
        Assert.Equal(new byte[] { 100, 155, 191 }, values.Distinct().Order());
        Assert.All(values.GroupBy(value => value), group => Assert.InRange(group.Count(), 1000 - 129, 1000 + 129));
        Assert.Equal(values, Enumerable.Range(0, 3000).Select(seed => augment.Apply(Flat, new Random(seed)).Image.Pixels[0]));
    }

    [Fact]
    public void Hparams_fill_what_a_transform_leaves_unset()
    {
        var sample = new DataSample(AugmentationFixture.Image("color"), 0, "color");
        var augment = new AutoAugment(
            AugmentPolicies.OfSubPolicies([new RotateConfig { Angle = 90, Prob = 1, RandomNegativeProb = 0 }]),
            new AugmentHparams { PadVal = [1, 2, 3] });

        Assert.Equal(
            new Rotate(angle: 90, padVal: [1, 2, 3], prob: 1, randomNegativeProb: 0).Apply(sample, new Random(0)).Image.Pixels,
            augment.Apply(sample, new Random(0)).Image.Pixels);
    }

    [Fact]
    public void Bad_policies_are_refused_naming_their_place()
    {
        Assert.Equal("policies", Assert.Throws<ConfigValueException>(() => new AutoAugment("timm_increasing")).Member);
        Assert.Equal("policies", Assert.Throws<ConfigValueException>(() => new AutoAugment(AugmentPolicies.Of(new InvertConfig()))).Member);
        Assert.Equal("policies[1]", Assert.Throws<ConfigValueException>(() => new AutoAugment(AugmentPolicies.OfSubPolicies([new InvertConfig()], []))).Member);
        Assert.Equal(
            "policies[0][1].angle",
            Assert.Throws<ConfigValueException>(() => new AutoAugment(AugmentPolicies.OfSubPolicies([new InvertConfig(), new RotateConfig()]))).Member);
    }

    // The transform config a table row stands for: {"type": "Rotate", "angle": 30.0, "prob": 0.6}.
    private static string Json(JsonElement row)
    {
        var type = row.GetProperty("type").GetString()!;
        var key = type switch
        {
            "Posterize" => "bits",
            "Rotate" => "angle",
            "Solarize" => "thr",
            "ColorTransform" or "Contrast" or "Sharpness" or "Shear" => "magnitude",
            _ => null,
        };
        var prob = row.GetProperty("prob").GetDouble().ToString("R", CultureInfo.InvariantCulture);
        return key is null
            ? $$"""{"type": "{{type}}", "prob": {{prob}}}"""
            : $$"""{"type": "{{type}}", "{{key}}": {{row.GetProperty("value").GetRawText()}}, "prob": {{prob}}}""";
    }
}
